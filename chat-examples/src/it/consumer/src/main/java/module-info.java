/**
 * The consumer application as a named module: compiling it proves that Parley's module names and
 * exported packages work for applications on the module path.
 */
module com.example.parleyconsumer {
  requires dev.parley.chat.netty;

  exports com.example.consumer;
}
