package io.herald.ops.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.io.IOException;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class StatusMappingTest {
  private final StatusMapping mapping =
      StatusMapping.builder()
          .map(NoSuchElementException.class, Status.Code.NOT_FOUND)
          .map(IOException.class, Status.Code.UNAVAILABLE)
          .build();

  @Test
  void anIllegalArgumentIsInvalidArgumentWithItsMessage() {
    Status status = mapping.status(new IllegalArgumentException("limit: -1 (expected: 1-100)"));

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).isEqualTo("limit: -1 (expected: 1-100)");
    assertThat(status.getCause()).isNull();
  }

  @Test
  void aServicesOwnRuleGivesItsCode() {
    Status status = mapping.status(new NoSuchElementException("no Comet registered as c-1"));

    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).isEqualTo("no Comet registered as c-1");
  }

  @Test
  void unavailableCarriesTheFailureAsItsCause() {
    IOException down = new IOException("connection refused");

    Status status = mapping.status(down);

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getCause()).isSameAs(down);
  }

  @Test
  void theFailureUnderFutureWrappersIsMapped() {
    Throwable wrapped =
        new CompletionException(new ExecutionException(new IllegalArgumentException("bad")));

    assertThat(mapping.status(wrapped).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void aFailureNoRuleNamesIsLeftToTheServer() {
    assertThat(mapping.status(new NullPointerException("bug"))).isNull();
    assertThat(mapping.status(new CompletionException(new IllegalStateException()))).isNull();
  }

  @Test
  void theFirstMatchingRuleWins() {
    StatusMapping first =
        StatusMapping.builder().map(IllegalStateException.class, Status.Code.UNAVAILABLE).build();
    StatusMapping second =
        StatusMapping.builder()
            .map(IllegalStateException.class, Status.Code.FAILED_PRECONDITION)
            .map(UnsupportedOperationException.class, Status.Code.UNIMPLEMENTED)
            .build();

    StatusMapping both = first.orElse(second);

    assertThat(both.status(new IllegalStateException()).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(both.status(new UnsupportedOperationException()).getCode())
        .isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  void okIsNoErrorCode() {
    assertThatThrownBy(() -> StatusMapping.builder().map(RuntimeException.class, Status.Code.OK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("code: OK (expected: an error code)");
  }
}
