package io.herald.logic.auth;

import static io.herald.logic.auth.AuthAssertions.refusal;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthBodyParserTest {
  private static AuthBody parse(String json) {
    return AuthBodyParser.parse(json.getBytes(UTF_8), "10.0.0.7");
  }

  @Test
  void goimsExactBodyParsesWithoutAToken() {
    AuthBody request =
        parse(
            "{\"mid\":123, \"room_id\":\"live://1000\", \"platform\":\"web\","
                + " \"accepts\":[1000,1001,1002]}");

    assertThat(request)
        .isEqualTo(
            new AuthBody(123, "", "live://1000", "web", List.of(1000, 1001, 1002), "", "10.0.0.7"));
  }

  @Test
  void everyFieldIsRead() {
    AuthBody request =
        parse(
            "{\"mid\":7,\"key\":\"k-1\",\"room_id\":\"chat://a/b\",\"platform\":\"android\","
                + "\"accepts\":[1000],\"token\":\"t.o.k\"}");

    assertThat(request.mid()).isEqualTo(7);
    assertThat(request.key()).isEqualTo("k-1");
    assertThat(request.roomId()).isEqualTo("chat://a/b");
    assertThat(request.platform()).isEqualTo("android");
    assertThat(request.accepts()).containsExactly(1000);
    assertThat(request.token()).isEqualTo("t.o.k");
    assertThat(request.clientIp()).isEqualTo("10.0.0.7");
  }

  @Test
  void midMayBeANumericString() {
    assertThat(parse("{\"mid\":\"9007199254740993\"}").mid()).isEqualTo(9007199254740993L);
    assertThat(parse("{\"mid\":\"-3\"}").mid()).isEqualTo(-3);
  }

  @Test
  void missingFieldsTakeDefaultsAndUnknownOnesAreIgnored() {
    AuthBody request = parse("{\"device\":\"x\",\"mid\":null,\"extra\":{\"a\":[1]}}");

    assertThat(request.mid()).isZero();
    assertThat(request.key()).isEmpty();
    assertThat(request.roomId()).isEmpty();
    assertThat(request.platform()).isEmpty();
    assertThat(request.accepts()).isEmpty();
    assertThat(request.token()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not json                  | {mid:1}                          | body: not JSON",
        "trailing garbage          | {\"mid\":1} x                    | body: not JSON",
        "duplicate field           | {\"mid\":1,\"mid\":2}            | body: not JSON",
        "empty                     | ''                               | body: empty",
        "an array                  | [1,2]                            | body: not a JSON object",
        "a string                  | \"mid\"                          | body: not a JSON object",
        "mid a fraction            | {\"mid\":1.5}                    | mid: not an integer",
        "mid past int64            | {\"mid\":9223372036854775808}    | mid: not an integer",
        "mid a word                | {\"mid\":\"abc\"}                | mid: not an integer",
        "mid string past int64     | {\"mid\":\"9999999999999999999\"} | mid: not an integer",
        "mid an object             | {\"mid\":{}}                     | mid: not an integer",
        "accepts not an array      | {\"accepts\":1000}               | accepts: not an array",
        "accepts of strings        | {\"accepts\":[\"1000\"]}         | accepts: not all integers",
        "accepts past int32        | {\"accepts\":[4294967296]}       | accepts: not all integers",
        "room without type         | {\"room_id\":\"1000\"}           | room_id: not a room id",
        "room without id           | {\"room_id\":\"live://\"}        | room_id: not a room id",
        "room with empty type      | {\"room_id\":\"://1000\"}        | room_id: not a room id",
        "key a number              | {\"key\":12}                     | key: not a string",
        "token an object           | {\"token\":{}}                   | token: not a string",
      })
  void malformedBodiesAreRefusedNamingTheField(String what, String body, String message) {
    AuthException refused = refusal(() -> parse(body));

    assertThat(refused.reason()).isEqualTo(AuthException.Reason.MALFORMED);
    assertThat(refused).hasMessageStartingWith(message);
  }

  @Test
  void aBodyOverTheLimitIsRefused() {
    String padding = "x".repeat(AuthBodyParser.MAX_BODY_BYTES);
    AuthException refused = refusal(() -> parse("{\"token\":\"" + padding + "\"}"));

    assertThat(refused.reason()).isEqualTo(AuthException.Reason.MALFORMED);
    assertThat(refused).hasMessage("body: 4108 bytes (expected: at most 4096)");
  }

  @Test
  void aBodyAtTheLimitParses() {
    String prefix = "{\"token\":\"";
    String token = "t".repeat(AuthBodyParser.MAX_BODY_BYTES - prefix.length() - 2);

    assertThat(parse(prefix + token + "\"}").token()).hasSize(token.length());
  }
}
