// Runs after this project's build (maven-invoker-plugin postBuildHookScript). The consumer project
// next door proves that an application gets everything it needs from Parley (it compiles and its
// tests run a server over real sockets); this script checks that it gets nothing more, and the
// release artifacts around it. Any failure fails `mvn verify` of chat-examples.
//
// Variables from the invoker plugin: basedir (this project, as built), localRepositoryPath (the
// repository invoker:install staged the Parley artifacts in), parleyVersion, parleyRoot.

import groovy.xml.XmlSlurper
import java.util.zip.ZipFile

def problems = []

// 1. The compile and runtime class path of an application that depends on chat-netty is exactly
//    this list: Parley, Netty's modules,
//    Gson, slf4j-api and their own dependencies. Anything else is a published POM leaking a
//    dependency to applications (a logging binding, netty-all, a test library, chat-testkit...).
//    When a version upgrade legitimately changes the list, update it here after a look at why.
def expected = [
    'dev.parley:chat-netty',
    'dev.parley:chat-core',
    'io.netty:netty-buffer',
    'io.netty:netty-codec-base',
    'io.netty:netty-codec-compression',
    'io.netty:netty-codec-http',
    'io.netty:netty-common',
    'io.netty:netty-handler',
    'io.netty:netty-resolver',
    'io.netty:netty-transport',
    'io.netty:netty-transport-classes-epoll',
    'io.netty:netty-transport-native-unix-common',
    'io.netty:netty-transport-native-epoll:linux-x86_64',
    'com.google.code.gson:gson',
    'com.google.errorprone:error_prone_annotations', // Gson's
    'org.slf4j:slf4j-api',
] as Set

def listing = new File(basedir, 'target/runtime-dependencies.txt')
if (!listing.isFile()) {
    throw new AssertionError("dependency:list wrote no ${listing}")
}
def actual = [:] // key -> the whole line
listing.eachLine { line ->
    def coords = line.trim().split(' ')[0]
    def parts = coords.split(':')
    if (parts.length < 5 || parts.length > 6) {
        return // the header, blank lines
    }
    // groupId:artifactId:type[:classifier]:version:scope
    def key = parts.length == 6 ? "${parts[0]}:${parts[1]}:${parts[3]}" : "${parts[0]}:${parts[1]}"
    actual[key.toString()] = coords
}
if (actual.isEmpty()) {
    problems << "no dependencies found in ${listing}"
}
def leaked = actual.keySet() - expected
def missing = expected - actual.keySet()
leaked.each { problems << "an application's compile/runtime class path gets ${actual[it]}, which no application using Parley should get" }
missing.each { problems << "an application's compile/runtime class path lacks ${it}" }
actual.findAll { k, v -> k.startsWith('dev.parley:') && !v.contains(":${parleyVersion}:") }.each { k, v ->
    problems << "${v} is not this build's version ${parleyVersion}"
}

// 2. chat-bom manages the published Parley artifacts at the project's version, and nothing else;
//    its parent manages nothing either, or that would be imported as well.
def bomFile = new File(localRepositoryPath, "dev/parley/chat-bom/${parleyVersion}/chat-bom-${parleyVersion}.pom")
def bom = new XmlSlurper().parse(bomFile)
def managed = bom.dependencyManagement.dependencies.dependency.collect {
    "${it.groupId}:${it.artifactId}:${it.version}:${it.type.text() ?: 'jar'}:${it.scope.text() ?: 'compile'}".toString()
}
def published = ['chat-core', 'chat-testkit', 'chat-netty', 'chat-store-jdbc', 'chat-cluster-redis',
                 'chat-metrics-micrometer', 'chat-spring-boot-starter']
def wantedBom = published.collect { "dev.parley:${it}:\${project.version}:jar:compile".toString() }
if (managed.sort() != wantedBom.sort()) {
    problems << "chat-bom manages ${managed}, expected exactly ${wantedBom}"
}
if (bom.dependencies.dependency.size() > 0) {
    problems << 'chat-bom declares dependencies; a BOM only manages versions'
}
def bomParent = new XmlSlurper().parse(new File(localRepositoryPath,
        "dev/parley/${bom.parent.artifactId}/${parleyVersion}/${bom.parent.artifactId}-${parleyVersion}.pom"))
if (bomParent.dependencyManagement.size() > 0) {
    problems << "chat-bom's parent ${bom.parent.artifactId} has a dependencyManagement, which the BOM would pass on"
}

// 3. Every published jar has its sources and javadoc jars, and the javadoc leaves out internal
//    packages.
published.each { module ->
    def target = new File(parleyRoot, "${module}/target")
    ['', '-sources', '-javadoc'].each { classifier ->
        def jar = new File(target, "${module}-${parleyVersion}${classifier}.jar")
        if (!jar.isFile()) {
            problems << "missing ${jar}"
        } else if (classifier == '-javadoc') {
            new ZipFile(jar).withCloseable { zip ->
                if (zip.getEntry('index.html') == null) {
                    problems << "${jar.name} has no index.html"
                }
                def internal = zip.entries().collect { it.name }.findAll { it.contains('/internal/') }
                if (internal) {
                    problems << "${jar.name} documents internal packages: ${internal.take(3)}"
                }
            }
        }
    }
}

if (problems) {
    throw new AssertionError('Published class path check failed:\n  - ' + problems.join('\n  - '))
}
println "Published class path check passed: ${actual.size()} compile/runtime dependencies as expected; BOM, sources and javadoc in order."
return true
