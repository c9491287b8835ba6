package io.herald.registry;

import io.herald.proto.registry.v1.CometNode;
import java.util.concurrent.CompletableFuture;

/** The Comet's side of the registry: announce this node, renew it, withdraw it. */
public interface RegistryWriter {

  /**
   * Writes or renews {@code node} with the registry's TTL, stamping {@code last_renew_unix_ms} from
   * the registry's clock. A record not renewed within the TTL disappears for readers.
   *
   * @return completes when the backend has stored the record; fails with {@link
   *     IllegalArgumentException} if {@code server_id} is empty, {@link IllegalStateException} if
   *     the registry is not running, or the backend's error
   */
  CompletableFuture<Void> register(CometNode node);

  /**
   * Removes the node's record at once; readers stop listing it at their next refresh. Removing an
   * absent node succeeds.
   */
  CompletableFuture<Void> deregister(String serverId);
}
