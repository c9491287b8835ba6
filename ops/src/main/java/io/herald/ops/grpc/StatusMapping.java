package io.herald.ops.grpc;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one gRPC service's failures become statuses, in one place: rules from an exception type to a
 * status code, tried in order on the failure itself — the exception under any {@link
 * CompletionException} or {@link ExecutionException} a future wrapped it in. The first rule the
 * failure is an instance of gives the status, described by the failure's message. Every mapping
 * starts with the rule every Herald service shares: an {@link IllegalArgumentException} is {@code
 * INVALID_ARGUMENT} (a request refused; the message names the field). An {@code UNAVAILABLE} (safe
 * to retry) carries the failure as its cause and is logged at DEBUG.
 *
 * <p>A failure no rule names maps to {@code null}: the server's own default decides (on Armeria its
 * mapping, on the Comet's gRPC server {@code INTERNAL}, logged as a bug). Immutable.
 */
public final class StatusMapping {
  private static final Logger log = LoggerFactory.getLogger(StatusMapping.class);

  private record Rule(Class<? extends Throwable> type, Status.Code code) {}

  private final List<Rule> rules;

  private StatusMapping(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** A mapping with the shared rule ({@code IllegalArgumentException}: INVALID_ARGUMENT). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The status of {@code failure}, or {@code null} when no rule names it.
   *
   * @param failure what the service threw, or failed its future or stream with
   */
  public Status status(Throwable failure) {
    Throwable cause = cause(failure);
    for (Rule rule : rules) {
      if (rule.type().isInstance(cause)) {
        Status status = Status.fromCode(rule.code()).withDescription(cause.getMessage());
        if (rule.code() == Status.Code.UNAVAILABLE) {
          log.debug("UNAVAILABLE: {}", cause.toString());
          status = status.withCause(cause);
        }
        return status;
      }
    }
    return null;
  }

  /** This mapping's rules, then {@code next}'s: for one server that hosts several services. */
  public StatusMapping orElse(StatusMapping next) {
    List<Rule> both = new ArrayList<>(rules);
    both.addAll(next.rules);
    return new StatusMapping(both);
  }

  /** The exception under any {@code CompletionException} or {@code ExecutionException}. */
  static Throwable cause(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Adds rules after the shared one, in the order they are to be tried. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    private Builder() {
      rules.add(new Rule(IllegalArgumentException.class, Status.Code.INVALID_ARGUMENT));
    }

    /** A failure that is a {@code type} becomes {@code code}. */
    public Builder map(Class<? extends Throwable> type, Status.Code code) {
      if (code == Status.Code.OK) {
        throw new IllegalArgumentException("code: OK (expected: an error code)");
      }
      rules.add(new Rule(type, code));
      return this;
    }

    public StatusMapping build() {
      return new StatusMapping(rules);
    }
  }
}
