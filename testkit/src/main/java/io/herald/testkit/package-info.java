/**
 * JUnit 5 extensions that give integration tests a real Redis, Kafka broker and PostgreSQL.
 *
 * <pre>{@code
 * @RealRedis
 * @RealKafka
 * @RealPostgres
 * class SessionStoreIT {
 *   @Test
 *   void storesSessions(RedisServer redis, KafkaBroker kafka, PostgresServer pg) {
 *     RedisClient client = RedisClient.create(redis.uri());   // keys: redis.key("session:1")
 *     String topic = kafka.newTopic(3);                        // bootstrap: kafka.bootstrapServers()
 *     Connection db = DriverManager.getConnection(pg.jdbcUrl()); // in schema pg.schema()
 *   }
 * }
 * }</pre>
 *
 * <p>Each server is started once per test JVM, on a free port below 32768, and stopped when the
 * tests are done (or by a shutdown hook; a later run stops servers a killed JVM left behind). The
 * environment variables {@code REDIS_URL}, {@code KAFKA_BOOTSTRAP_SERVERS} and {@code PG_URL} point
 * the tests at running servers instead. Each test gets its own key prefix, topics and consumer
 * groups, and schema (dropped afterwards); a parameter of a {@code @BeforeAll} method gets one
 * shared by the class.
 *
 * <p>{@link io.herald.testkit.RealRedisCluster} gives a Redis Cluster (three masters, three
 * replicas, started once per test JVM) whose masters a test may kill and the extension heals
 * afterwards; {@link io.herald.testkit.RedisSentinels} is a Sentinel-managed Redis of a test's own.
 *
 * <p>When a server cannot be started or reached, the tests that need it fail if {@code CI=true},
 * and are skipped otherwise, with a message that names the failed command, the end of its output,
 * and how to install the server.
 */
package io.herald.testkit;
