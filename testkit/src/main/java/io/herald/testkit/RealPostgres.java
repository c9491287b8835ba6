package io.herald.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a real PostgreSQL: the one at {@code PG_URL} (a JDBC URL) if set, else a
 * cluster made with initdb and started with pg_ctl once per test JVM. Test methods, lifecycle
 * methods and constructors receive a {@link PostgresServer} parameter with a schema of the test's
 * own.
 *
 * <p>If PostgreSQL cannot be started or reached, the tests fail when {@code CI=true} and are
 * skipped otherwise.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(PostgresExtension.class)
public @interface RealPostgres {}
