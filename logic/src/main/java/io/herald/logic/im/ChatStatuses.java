package io.herald.logic.im;

import io.grpc.Status;
import io.herald.wire.chat.ChatStatus;

/**
 * A chat status as the backend API reports it: the gRPC status code of {@code herald.im.v1.Im} and
 * the {@code code} of the HTTP JSON reply (docs/api.md).
 *
 * <table>
 *   <caption>The mapping</caption>
 *   <tr><th>chat status</th><th>gRPC</th><th>HTTP code</th></tr>
 *   <tr><td>BAD_REQUEST, TOO_LARGE</td><td>INVALID_ARGUMENT</td><td>-400</td></tr>
 *   <tr><td>NOT_FOUND</td><td>NOT_FOUND</td><td>-404</td></tr>
 *   <tr><td>NOT_MEMBER</td><td>FAILED_PRECONDITION</td><td>-403</td></tr>
 *   <tr><td>REFUSED</td><td>PERMISSION_DENIED</td><td>-403</td></tr>
 *   <tr><td>RATE_LIMITED, LIMIT_EXCEEDED</td><td>RESOURCE_EXHAUSTED</td><td>-429</td></tr>
 *   <tr><td>UNAVAILABLE</td><td>UNAVAILABLE</td><td>-500</td></tr>
 * </table>
 */
public final class ChatStatuses {
  private ChatStatuses() {}

  public static Status.Code grpc(ChatStatus status) {
    return switch (status) {
      case OK -> Status.Code.OK;
      case BAD_REQUEST, TOO_LARGE -> Status.Code.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case NOT_MEMBER -> Status.Code.FAILED_PRECONDITION;
      case REFUSED -> Status.Code.PERMISSION_DENIED;
      case RATE_LIMITED, LIMIT_EXCEEDED -> Status.Code.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> Status.Code.UNAVAILABLE;
    };
  }

  public static int http(ChatStatus status) {
    return switch (status) {
      case OK -> 0;
      case BAD_REQUEST, TOO_LARGE -> -400;
      case NOT_FOUND -> -404;
      case NOT_MEMBER, REFUSED -> -403;
      case RATE_LIMITED, LIMIT_EXCEEDED -> -429;
      case UNAVAILABLE -> -500;
    };
  }

  /** The chat failure {@code failure} stands for (a {@link ChatException} or anything else). */
  public static ChatException of(Throwable failure) {
    return ChatFailures.of(failure);
  }
}
