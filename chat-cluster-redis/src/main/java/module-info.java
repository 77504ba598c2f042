/**
 * A {@link dev.parley.chat.cluster.ClusterEngine} on Redis, through Lettuce: {@link
 * dev.parley.chat.cluster.redis.RedisClusterEngine}, configured with {@link
 * dev.parley.chat.cluster.redis.RedisClusterConfig}.
 */
// "requires lettuce.core" names an automatic module (Lettuce has no module-info).
@SuppressWarnings("requires-automatic")
module dev.parley.chat.cluster.redis {
  requires transitive dev.parley.chat;
  requires lettuce.core;
  requires org.slf4j;

  exports dev.parley.chat.cluster.redis;
}
