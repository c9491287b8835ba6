package io.herald.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a real Redis Cluster: three masters and three replicas, {@code
 * redis-server}s from the PATH in cluster mode joined by {@code redis-cli --cluster create},
 * started once per test JVM without persistence and stopped when the JVM's tests end. Test methods,
 * lifecycle methods and constructors receive a {@link RedisClusterServer} parameter whose key
 * prefix is unique to the test; a test may fail over a master with it, and the cluster is healed
 * (the killed nodes rejoin as replicas) after each test or class that asked for it.
 *
 * <p>If the cluster cannot be started, the tests fail when {@code CI=true} and are skipped
 * otherwise.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(RedisClusterExtension.class)
public @interface RealRedisCluster {}
