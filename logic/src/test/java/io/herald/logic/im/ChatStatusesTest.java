package io.herald.logic.im;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.herald.im.GroupFullException;
import io.herald.im.ImUnavailableException;
import io.herald.im.NoSuchGroupException;
import io.herald.logic.push.PushUnavailableException;
import io.herald.wire.chat.ChatStatus;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class ChatStatusesTest {

  @Test
  void everyStatusHasAGrpcCodeAndAnHttpCode() {
    assertThat(ChatStatuses.grpc(ChatStatus.BAD_REQUEST)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(ChatStatuses.grpc(ChatStatus.TOO_LARGE)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(ChatStatuses.grpc(ChatStatus.NOT_FOUND)).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(ChatStatuses.grpc(ChatStatus.NOT_MEMBER)).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(ChatStatuses.grpc(ChatStatus.REFUSED)).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(ChatStatuses.grpc(ChatStatus.RATE_LIMITED))
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(ChatStatuses.grpc(ChatStatus.LIMIT_EXCEEDED))
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(ChatStatuses.grpc(ChatStatus.UNAVAILABLE)).isEqualTo(Status.Code.UNAVAILABLE);

    assertThat(ChatStatuses.http(ChatStatus.BAD_REQUEST)).isEqualTo(-400);
    assertThat(ChatStatuses.http(ChatStatus.TOO_LARGE)).isEqualTo(-400);
    assertThat(ChatStatuses.http(ChatStatus.NOT_FOUND)).isEqualTo(-404);
    assertThat(ChatStatuses.http(ChatStatus.NOT_MEMBER)).isEqualTo(-403);
    assertThat(ChatStatuses.http(ChatStatus.REFUSED)).isEqualTo(-403);
    assertThat(ChatStatuses.http(ChatStatus.RATE_LIMITED)).isEqualTo(-429);
    assertThat(ChatStatuses.http(ChatStatus.LIMIT_EXCEEDED)).isEqualTo(-429);
    assertThat(ChatStatuses.http(ChatStatus.UNAVAILABLE)).isEqualTo(-500);
  }

  @Test
  void failuresOfTheStoreAndThePushPathBecomeStatuses() {
    assertThat(status(new NoSuchGroupException(7))).isEqualTo(ChatStatus.NOT_FOUND);
    assertThat(status(new GroupFullException(7, 10, 1, 10))).isEqualTo(ChatStatus.LIMIT_EXCEEDED);
    assertThat(status(new IllegalArgumentException("limit: -1"))).isEqualTo(ChatStatus.BAD_REQUEST);
    assertThat(status(new ImUnavailableException("append", new SQLException("down", "08001"))))
        .isEqualTo(ChatStatus.UNAVAILABLE);
    assertThat(status(new PushUnavailableException("inbox: down", null)))
        .isEqualTo(ChatStatus.UNAVAILABLE);
    assertThat(status(new RejectedExecutionException())).isEqualTo(ChatStatus.UNAVAILABLE);
    assertThat(status(new CompletionException(new ChatException(ChatStatus.REFUSED, "blocked"))))
        .isEqualTo(ChatStatus.REFUSED);
    assertThat(ChatFailures.of(new NoSuchGroupException(7)).getMessage())
        .isEqualTo("group: no group 7");
  }

  private static ChatStatus status(Throwable failure) {
    return ChatFailures.of(failure).status();
  }
}
