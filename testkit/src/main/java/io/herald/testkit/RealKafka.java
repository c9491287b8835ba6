package io.herald.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a real Kafka: the cluster at {@code KAFKA_BOOTSTRAP_SERVERS} if set, else a
 * single-node KRaft broker started once per test JVM in a JVM of its own. Test methods, lifecycle
 * methods and constructors receive a {@link KafkaBroker} parameter that creates topics unique to
 * the test.
 *
 * <p>If Kafka cannot be started or reached, the tests fail when {@code CI=true} and are skipped
 * otherwise.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(KafkaExtension.class)
public @interface RealKafka {}
