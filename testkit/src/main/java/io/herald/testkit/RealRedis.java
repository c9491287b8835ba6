package io.herald.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a real Redis: the one at {@code REDIS_URL} if set, else a {@code
 * redis-server} from the PATH, started once per test JVM without persistence. Test methods,
 * lifecycle methods and constructors receive a {@link RedisServer} parameter whose {@link
 * RedisServer#keyPrefix()} is unique to the test.
 *
 * <p>If Redis cannot be started or reached, the tests fail when {@code CI=true} and are skipped
 * otherwise.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(RedisExtension.class)
public @interface RealRedis {}
