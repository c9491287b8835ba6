package io.herald.client.it;

import io.herald.client.ConnectionInfo;
import io.herald.client.HeraldListener;
import io.herald.client.Message;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what a client reported. */
final class Recorder implements HeraldListener {
  final List<ConnectionInfo> connections = new CopyOnWriteArrayList<>();
  final List<Message> messages = new CopyOnWriteArrayList<>();
  final List<Integer> heartbeats = new CopyOnWriteArrayList<>();
  final List<String> disconnects = new CopyOnWriteArrayList<>();

  @Override
  public void onConnected(ConnectionInfo info) {
    connections.add(info);
  }

  @Override
  public void onMessage(Message message) {
    messages.add(message);
  }

  @Override
  public void onHeartbeat(int onlineCount) {
    heartbeats.add(onlineCount);
  }

  @Override
  public void onDisconnected(String reason, boolean reconnecting) {
    disconnects.add(reason + (reconnecting ? " (reconnecting)" : " (for good)"));
  }

  List<String> texts() {
    return messages.stream().map(Message::text).toList();
  }
}
