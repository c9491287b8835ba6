package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.ProtocolVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listener is called on the callback executor, and one that throws breaks nothing. */
class ListenerCallsTest {
  private final List<String> calls = new ArrayList<>();

  /** Records heartbeats and disconnections; fails on connections, as a buggy application might. */
  private final HeraldListener listener =
      new HeraldListener() {
        @Override
        public void onConnected(ConnectionInfo info) {
          throw new IllegalStateException("the application's bug");
        }

        @Override
        public void onHeartbeat(int onlineCount) {
          calls.add("online " + onlineCount);
        }

        @Override
        public void onDisconnected(String reason, boolean reconnecting) {
          calls.add(reason + " " + reconnecting);
        }
      };

  @Test
  void callsRunOnTheExecutorInOrder() {
    List<Runnable> queued = new ArrayList<>();
    ListenerCalls calling = new ListenerCalls(listener, queued::add);

    calling.heartbeat(3);
    calling.disconnected("draining", true);
    assertThat(calls).as("nothing before the executor runs them").isEmpty();
    queued.forEach(Runnable::run);
    assertThat(calls).containsExactly("online 3", "draining true");
  }

  @Test
  void aListenerThatThrowsIsLoggedAndTheNextCallStillComes() {
    ListenerCalls calling = new ListenerCalls(listener, Runnable::run);

    calling.connected(new ConnectionInfo("n:1", Transport.TCP, ProtocolVersion.V2, 1, "k", 0));
    calling.heartbeat(1);
    assertThat(calls).containsExactly("online 1");
  }
}
