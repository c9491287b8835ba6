package io.herald.registry;

import java.util.concurrent.CompletableFuture;

/**
 * A registry backend: writer and view in one, with a lifecycle. Constructors do no I/O and start no
 * threads; {@link #start()} connects and begins refreshing, {@link #stop()} releases everything.
 * Both are idempotent, and a stopped registry does not start again.
 *
 * <p>Writes before {@link #start()} or after {@link #stop()} fail with {@link
 * IllegalStateException}. Stopping does not deregister anything: the Comet's {@link NodeRenewal}
 * does that, and should be stopped (and its future awaited) first.
 */
public interface Registry extends RegistryWriter, RegistryView {

  /** Starts the registry; returns without waiting for the backend. */
  void start();

  /** Stops refreshing and closes the backend connection. */
  void stop();

  /**
   * Completes once the view has loaded the backend's records for the first time (at once for an
   * in-process registry), so a service can hold back readiness until {@link #nodes()} is
   * meaningful. Until the backend first answers it stays pending; callers bound it with {@code
   * orTimeout}.
   */
  CompletableFuture<Void> ready();
}
