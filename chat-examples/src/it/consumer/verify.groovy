// Runs after the consumer's build (maven-invoker-plugin postBuildHookScript). The build itself
// proved that an application written as the README says compiles against Parley and works: its
// tests ran the hook on chat-testkit and a server over real sockets. What an application must not
// get from Parley is checked by ../app-classpath.
//
// Variables from the invoker plugin: basedir (the consumer, as built), parleyRoot.

import groovy.xml.XmlSlurper

def problems = []

// The README's "Use it in your application" snippet is what this consumer uses: the same BOM
//    import and the same Parley dependencies, so the README cannot drift from what is tested.
def readme = new File(parleyRoot, 'README.md').text
def section = readme.find(/(?s)## Use it in your application\s+```xml\n(.*?)```/) { all, xml -> xml }
if (section == null) {
    problems << 'README.md has no ```xml snippet under "## Use it in your application"'
} else {
    def snippet = new XmlSlurper().parseText("<snippet>${section}</snippet>")
    def pom = new XmlSlurper().parse(new File(basedir, 'pom.xml'))
    def describe = { dep -> dep.children().collect { "${it.name()}=${it.text()}" }.join(', ') }
    def readmeImports = snippet.dependencyManagement.dependencies.dependency.collect(describe)
    def pomImports = pom.dependencyManagement.dependencies.dependency.collect(describe)
    if (readmeImports != pomImports) {
        problems << "README imports ${readmeImports} but the consumer imports ${pomImports}"
    }
    def readmeDeps = snippet.dependencies.dependency.collect(describe)
    def pomParleyDeps = pom.dependencies.dependency.findAll { it.groupId.text() == 'dev.parley' }.collect(describe)
    if (readmeDeps != pomParleyDeps) {
        problems << "README's dependencies ${readmeDeps} differ from the consumer's Parley dependencies ${pomParleyDeps}"
    }
}

if (problems) {
    throw new AssertionError('Consumer check failed:\n  - ' + problems.join('\n  - '))
}
println 'Consumer check passed: the README snippet is what the consumer uses.'
return true
