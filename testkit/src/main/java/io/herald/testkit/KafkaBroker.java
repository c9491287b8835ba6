package io.herald.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * A real Kafka as one test sees it: where it is, and topics and consumer group ids of the test's
 * own, so tests sharing the broker do not see each other's records.
 */
public final class KafkaBroker {

  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final Admin admin;
  private final String namePrefix;
  private final AtomicInteger sequence = new AtomicInteger();
  private final List<String> topics = new CopyOnWriteArrayList<>();

  KafkaBroker(String bootstrapServers, Admin admin, String namePrefix) {
    this.bootstrapServers = bootstrapServers;
    this.admin = admin;
    this.namePrefix = namePrefix;
  }

  /** For example {@code 127.0.0.1:23456}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Creates a topic with one partition; see {@link #newTopic(int)}. */
  public String newTopic() {
    return newTopic(1);
  }

  /**
   * Creates a topic unique to this test, with the cluster's default replication factor, and returns
   * its name once every partition has a leader. It is deleted when the test is done.
   *
   * @throws IllegalStateException if it cannot be created within 30 s
   */
  public String newTopic(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions: " + partitions + " (expected: >= 1)");
    }
    String name = namePrefix + "-" + sequence.incrementAndGet();
    try {
      admin
          .createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty())))
          .all()
          .get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      topics.add(name);
      Poller.await(
          "topic " + name + " has a leader for each of its " + partitions + " partitions",
          TOPIC_TIMEOUT,
          () -> hasLeaders(name, partitions));
      return name;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (ExecutionException | TimeoutException | StartupFailure e) {
      throw new IllegalStateException("cannot create topic " + name + ": " + e.getMessage(), e);
    }
  }

  /** A consumer group id unique to this test. */
  public String newGroupId() {
    return namePrefix + "-group-" + sequence.incrementAndGet();
  }

  private boolean hasLeaders(String topic, int partitions) throws Exception {
    TopicDescription description =
        admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
    return description.partitions().size() == partitions
        && description.partitions().stream()
            .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
  }

  /** Deletes the topics this test created; waits at most a few seconds. */
  void deleteTopics() throws Exception {
    if (!topics.isEmpty()) {
      admin.deleteTopics(topics).all().get(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "KafkaBroker{" + bootstrapServers + ", topics=" + namePrefix + "-*}";
  }
}
