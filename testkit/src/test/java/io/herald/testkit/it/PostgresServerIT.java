package io.herald.testkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.herald.testkit.PostgresServer;
import io.herald.testkit.RealPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

@RealPostgres
class PostgresServerIT {

  private static final Map<String, String> SCHEMA_BY_TEST = new ConcurrentHashMap<>();
  private static final Map<String, String> URL_BY_TEST = new ConcurrentHashMap<>();

  @BeforeEach
  void remember(PostgresServer pg, TestInfo test) {
    SCHEMA_BY_TEST.put(test.getDisplayName(), pg.schema());
    URL_BY_TEST.put(test.getDisplayName(), pg.jdbcUrl());
  }

  @Test
  void answersAQuery(PostgresServer pg) throws SQLException {
    try (Connection connection = DriverManager.getConnection(pg.jdbcUrl());
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("select 1")) {
      assertThat(result.next()).isTrue();
      assertThat(result.getInt(1)).isEqualTo(1);
    }
    assertThat(pg.user()).isEqualTo("postgres");
    assertThat(pg.password()).isEmpty();
  }

  @Test
  void keepsTablesInTheTestsSchema(PostgresServer pg) throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        Statement statement = connection.createStatement()) {
      statement.execute("create table greeting (id int primary key, text varchar(100) not null)");
      try (PreparedStatement insert =
          connection.prepareStatement("insert into greeting values (?, ?)")) {
        insert.setInt(1, 1);
        insert.setString(2, "hello");
        insert.executeUpdate();
      }
      assertThat(strings(statement, "select text from greeting")).containsExactly("hello");
      assertThat(strings(statement, "select current_schema()")).containsExactly(pg.schema());
      assertThat(
              strings(
                  statement,
                  "select table_schema from information_schema.tables where table_name = 'greeting'"))
          .containsExactly(pg.schema());
    }
  }

  @AfterAll
  static void eachTestHadItsOwnSchemaDroppedAfterIt() throws SQLException {
    assumeFalse(SCHEMA_BY_TEST.isEmpty(), "no test ran: PostgreSQL is unavailable");
    assertThat(SCHEMA_BY_TEST).hasSize(2);
    assertThat(SCHEMA_BY_TEST.values()).doesNotHaveDuplicates();
    // The server is still up (it stops when the test JVM's last test is done); the schemas not.
    try (Connection connection =
            DriverManager.getConnection(URL_BY_TEST.values().iterator().next());
        Statement statement = connection.createStatement()) {
      assertThat(strings(statement, "select nspname from pg_namespace"))
          .contains("public")
          .doesNotContainAnyElementsOf(SCHEMA_BY_TEST.values());
    }
  }

  private static List<String> strings(Statement statement, String query) throws SQLException {
    List<String> values = new ArrayList<>();
    try (ResultSet result = statement.executeQuery(query)) {
      while (result.next()) {
        values.add(result.getString(1));
      }
    }
    return values;
  }
}
