package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaServerPropertiesTest {

  private final KafkaServerProperties properties =
      new KafkaServerProperties(23456, 23457, Path.of("/tmp/herald-kafka-1/data"));

  @Test
  void rendersACombinedSingleNodeBrokerOnLoopback() throws Exception {
    Properties p = new Properties();
    p.load(new StringReader(properties.render()));

    assertThat(p)
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("node.id", "1")
        .containsEntry("controller.quorum.voters", "1@127.0.0.1:23457")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:23456,CONTROLLER://127.0.0.1:23457")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:23456")
        .containsEntry("controller.listener.names", "CONTROLLER")
        .containsEntry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT")
        .containsEntry("inter.broker.listener.name", "PLAINTEXT")
        .containsEntry("log.dirs", "/tmp/herald-kafka-1/data");
  }

  @Test
  void needsNoMoreThanOneReplicaAndNoRebalanceDelay() throws Exception {
    Properties p = new Properties();
    p.load(new StringReader(properties.render()));

    assertThat(p)
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0")
        .containsEntry("num.partitions", "1")
        .containsEntry("auto.create.topics.enable", "true");
  }

  @Test
  void rendersOneEntryPerLineInOrder() {
    assertThat(properties.render())
        .startsWith("# Written by the Herald testkit")
        .contains("\nprocess.roles=broker,controller\nnode.id=1\n")
        .endsWith("\n");
    assertThat(properties.bootstrapServers()).isEqualTo("127.0.0.1:23456");
  }

  @Test
  void rejectsOnePortForBothListeners() {
    assertThatThrownBy(() -> new KafkaServerProperties(23456, 23456, Path.of("/tmp")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("23456");
  }
}
