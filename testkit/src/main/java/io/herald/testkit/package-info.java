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
 *
 * <p><b>Testcontainers.</b> The servers above are the machine's own ({@code redis-server}, a Kafka
 * broker from the Kafka jars, PostgreSQL's {@code initdb}/{@code pg_ctl}), which is what CI runs.
 * The environment variable {@code HERALD_TESTCONTAINERS} (or the system property {@code
 * herald.testcontainers} of the test JVM, which wins) switches to Testcontainers' Redis, Kafka
 * (KRaft) and PostgreSQL, from pinned images ({@code Containers}: Redis 7.0, Apache Kafka 4.0,
 * PostgreSQL 15):
 *
 * <ul>
 *   <li>unset or {@code false}: the machine's servers;
 *   <li>{@code true}: containers; without a container engine every test that needs a server fails
 *       (not skipped, on CI or not), the message giving Testcontainers' reason and what to do;
 *   <li>{@code auto}: containers when an engine answers, the machine's servers otherwise.
 * </ul>
 *
 * <p>{@code REDIS_URL}, {@code KAFKA_BOOTSTRAP_SERVERS} and {@code PG_URL} still win for their
 * server. Each container starts once per test JVM and is stopped with the servers; the tests see no
 * difference. {@code ContainerSwitch} holds the decision, unit-tested without an engine.
 */
package io.herald.testkit;
