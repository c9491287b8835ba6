package io.herald.logic.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes Logic's reading of a client's AUTH body (op 7, goim's JSON, passed on verbatim by the
 * Comet) with arbitrary bytes.
 *
 * <p>What must hold: the body is read, or refused with an {@link AuthException} of reason {@code
 * MALFORMED} whose message names the field at fault (it is shown to a version 2 client); nothing
 * else is thrown; a body over {@value AuthBodyParser#MAX_BODY_BYTES} bytes is always refused; what
 * is read keeps the documented shape (a room id empty or {@code type://id}, no null strings).
 * Replayed from {@code AuthBodyParserFuzzTestInputs/authBody}; fuzzed with {@code bench/fuzz auth}.
 */
class AuthBodyParserFuzzTest {
  private static final String CLIENT_IP = "203.0.113.7";

  @FuzzTest
  void authBody(byte[] body) {
    AuthBody auth;
    try {
      auth = AuthBodyParser.parse(body, CLIENT_IP);
    } catch (AuthException refused) {
      if (refused.reason() != AuthException.Reason.MALFORMED) {
        throw new AssertionError("refused as " + refused.reason(), refused);
      }
      String message = refused.getMessage();
      if (message == null
          || !message.matches("^(body|mid|room_id|accepts|key|platform|token): .*")) {
        throw new AssertionError("a refusal that names no field: " + message, refused);
      }
      return;
    }
    if (body.length > AuthBodyParser.MAX_BODY_BYTES) {
      throw new AssertionError("read a body of " + body.length + " bytes");
    }
    if (!auth.roomId().isEmpty() && !AuthBodyParser.isRoomId(auth.roomId())) {
      throw new AssertionError("room id " + auth.roomId());
    }
    if (auth.key() == null
        || auth.platform() == null
        || auth.token() == null
        || auth.accepts() == null
        || !CLIENT_IP.equals(auth.clientIp())) {
      throw new AssertionError("a field read as null: " + auth);
    }
  }
}
