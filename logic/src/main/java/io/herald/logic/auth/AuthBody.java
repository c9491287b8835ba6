package io.herald.logic.auth;

import java.util.List;

/**
 * A client's AUTH body (op 7) as {@link AuthBodyParser} read it, goim's JSON plus an optional
 * token: {@code
 * {"mid":123,"key":"","room_id":"live://1000","platform":"web","accepts":[1000,1001],"token":"..."}},
 * and where the connection comes from.
 *
 * @param mid the user id the client claims (believed only by the {@code trust} authenticator)
 * @param key the device key it asks for; empty asks Logic to assign one
 * @param roomId the room to join, {@code type://id}; empty for none
 * @param platform {@code web}, {@code android}, ...; may be empty
 * @param accepts the ops the connection wants pushed
 * @param token the credential, or empty (goim's clients send none)
 * @param clientIp the connection's remote address as the Comet saw it
 */
public record AuthBody(
    long mid,
    String key,
    String roomId,
    String platform,
    List<Integer> accepts,
    String token,
    String clientIp) {
  public AuthBody {
    key = key == null ? "" : key;
    roomId = roomId == null ? "" : roomId;
    platform = platform == null ? "" : platform;
    accepts = accepts == null ? List.of() : List.copyOf(accepts);
    token = token == null ? "" : token;
    clientIp = clientIp == null ? "" : clientIp;
  }
}
