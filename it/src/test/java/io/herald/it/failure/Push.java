package io.herald.it.failure;

import java.util.List;
import java.util.Set;

/**
 * One push the stream sent and what the API answered.
 *
 * @param number in its body ({@code fs <number>}), unique in the run
 * @param phase the fault it was sent under
 * @param targets who it is for, each with the connection it held when the push was sent
 * @param code the answer's {@code code}, or {@link #REFUSED} (no connection to Logic), {@link
 *     #TIMEOUT} (no answer within the call's timeout)
 * @param offline the answer's {@code offline} (mids or keys)
 */
public record Push(
    long number,
    PushKind kind,
    String phase,
    List<Target> targets,
    int code,
    String message,
    Set<String> offline,
    long sentNanos,
    long answeredNanos) {

  /** The call could not reach Logic (connection refused or reset). */
  public static final int REFUSED = -1_000;

  /** No answer within the call's timeout: a hang, which the API must never do. */
  public static final int TIMEOUT = -1_001;

  /** A device and the connection it held (-1: none) when the push was sent. */
  public record Target(Receiver receiver, int connection) {}

  public boolean accepted() {
    return code == 0;
  }

  /** Whether the answer named {@code receiver} offline (by mid, or by key for acked pushes). */
  public boolean offline(Receiver receiver) {
    return offline.contains(Long.toString(receiver.mid())) || offline.contains(receiver.key());
  }

  public String body() {
    return "fs " + number;
  }

  public long callMillis() {
    return (answeredNanos - sentNanos) / 1_000_000;
  }

  /** How the answer reads in a table: {@code 0}, {@code -500}, {@code refused}, {@code timeout}. */
  public String answer() {
    return switch (code) {
      case REFUSED -> "refused";
      case TIMEOUT -> "timeout";
      default -> Integer.toString(code);
    };
  }
}
