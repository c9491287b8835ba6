package io.herald.job.dispatch;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import io.herald.proto.comet.v1.RoomsRequest;
import io.herald.proto.comet.v1.RoomsResponse;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryView;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link RoomIndex} current: on each {@link #refresh()}, asks every registered Comet for
 * its rooms ({@code Rooms()}), at most one question per Comet at a time. A Comet that does not
 * answer keeps its last answer (or, never having answered, gets every room). Runs on the
 * dispatcher's loop, as do the answers.
 */
final class RoomIndexRefresher {
  private static final Logger log = LoggerFactory.getLogger(RoomIndexRefresher.class);

  private final RoomIndex index = new RoomIndex();
  private final RegistryView registry;
  private final CometChannels channels;
  private final long callTimeoutMillis;
  private final Executor callbacks;
  private final Set<String> asking = new HashSet<>();
  private volatile int rooms;

  RoomIndexRefresher(
      RegistryView registry, CometChannels channels, Duration callTimeout, Executor callbacks) {
    this.registry = registry;
    this.channels = channels;
    this.callTimeoutMillis = callTimeout.toMillis();
    this.callbacks = callbacks;
  }

  /** Asks every registered Comet that is not still answering the last question. */
  void refresh() {
    for (CometNode node : registry.nodes()) {
      String serverId = node.getServerId();
      if (!asking.add(serverId)) {
        continue;
      }
      Futures.addCallback(
          channels
              .stub(node)
              .withDeadlineAfter(callTimeoutMillis, TimeUnit.MILLISECONDS)
              .rooms(RoomsRequest.getDefaultInstance()),
          new FutureCallback<RoomsResponse>() {
            @Override
            public void onSuccess(RoomsResponse answer) {
              asking.remove(serverId);
              if (registry.node(serverId).isPresent()) {
                index.update(serverId, answer.getEpoch(), answer.getRoomCountsMap().keySet());
                rooms = index.rooms();
              }
            }

            @Override
            public void onFailure(Throwable error) {
              asking.remove(serverId);
              log.debug("Comet {} did not list its rooms: {}", serverId, error.toString());
            }
          },
          callbacks);
    }
  }

  /** Forgets the Comets that left the registry. */
  void retain(Collection<String> registered) {
    index.retain(registered);
    rooms = index.rooms();
  }

  /** The registered Comets a message for {@code room} goes to now. */
  List<CometNode> cometsFor(String room) {
    return index.cometsFor(room, registry.nodes());
  }

  /** Distinct rooms in the index, as of the last change; safe from any thread. */
  int rooms() {
    return rooms;
  }
}
