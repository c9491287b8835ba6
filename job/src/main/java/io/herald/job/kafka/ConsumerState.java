package io.herald.job.kafka;

import java.util.Locale;

/** Where the Kafka consumer is, as {@code /health} reports it. */
public enum ConsumerState {
  /** Not started yet. */
  NEW,
  /**
   * Reading, but not a member of the group with an assignment: joining after the start, or after
   * the group took its partitions away (session expired). A Job that joins while a dead member
   * still holds the partitions waits here until that member's session expires.
   */
  JOINING,
  /** A member of the group with its assignment (possibly no partition), reading it. */
  CONSUMING,
  /**
   * Another consumer joined the group with this Job's instance id and took its place; this one
   * stopped for good (two Jobs configured with one {@code kafka.instanceId}).
   */
  FENCED,
  /** Ended by an error; what it had not committed is delivered by the next owner. */
  FAILED,
  /** Stopped on request, after committing and leaving the group. */
  STOPPED;

  /** The lower-case name shown in {@code /health}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
