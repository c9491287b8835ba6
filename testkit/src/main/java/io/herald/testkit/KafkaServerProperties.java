package io.herald.testkit;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code server.properties} of a single-node KRaft Kafka (broker and controller in one process)
 * listening on 127.0.0.1, with replication factors of 1 and no rebalance delay.
 */
record KafkaServerProperties(int port, int controllerPort, Path dataDirectory) {

  static final int NODE_ID = 1;

  KafkaServerProperties {
    if (port == controllerPort) {
      throw new IllegalArgumentException("port and controllerPort are both " + port);
    }
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  Map<String, String> entries() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dataDirectory.toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "true");
    p.put("group.initial.rebalance.delay.ms", "0");
    // One node: every internal topic has one replica, and one partition so it is created fast.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    return p;
  }

  String render() {
    StringBuilder b = new StringBuilder("# Written by the Herald testkit for one test JVM.\n");
    entries().forEach((key, value) -> b.append(key).append('=').append(value).append('\n'));
    return b.toString();
  }
}
