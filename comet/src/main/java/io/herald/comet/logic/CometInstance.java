package io.herald.comet.logic;

import java.util.Objects;

/**
 * This Comet process as Logic knows it: its server id and its epoch (its start time, Unix ms).
 * Every session Logic records for the Comet carries both, and every call about those sessions names
 * both, so that a call about an earlier process of the same server (a restart) changes nothing.
 *
 * @param serverId the Comet's server id ({@code node.serverId})
 * @param epoch the process's start time, Unix ms
 */
public record CometInstance(String serverId, long epoch) {
  public CometInstance {
    Objects.requireNonNull(serverId, "serverId");
  }
}
