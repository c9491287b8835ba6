package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.bench.scenario.ChatCommand;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.PostgresServer;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealPostgres;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The chat scenario in miniature on the test kit's Redis, Kafka and PostgreSQL: one-to-one, a write
 * fan-out group and a read fan-out group (threshold 10), a few seconds each, then the catch-ups by
 * SYNC and by CHAT_HISTORY (which fail the run on a missing, repeated or misordered message).
 * Asserts that each case ran and delivered, never a speed.
 */
@RealRedis
@RealKafka
@RealPostgres
class ChatSmokeIT {
  @Test
  void sendsDeliversAndCatchesUp(RedisServer redis, KafkaBroker kafka, PostgresServer postgres) {
    ChatCommand chat = new ChatCommand();

    int exit =
        new CommandLine(chat)
            .execute(
                "--groups=8:8,30:12",
                "--threshold=10",
                "--senders=2",
                "--duration=2",
                "--warmup=1",
                "--sync-messages=12",
                "--sync-limit=5",
                "--sync-repeats=2",
                "--heap=256m",
                "--no-settle-db-stats",
                "--kafka=" + kafka.bootstrapServers(),
                "--redis=" + redis.uri(),
                "--postgres=" + postgres.jdbcUrl());

    assertThat(exit).isZero();
    assertThat(chat.steps())
        .extracting(ChatCommand.Step::kind)
        .containsExactly("one-to-one", "write", "read");
    assertThat(chat.steps())
        .allSatisfy(
            step -> {
              assertThat(step.ok()).isPositive();
              assertThat(step.refused()).isZero();
            });
    // Write fan-out: every online device, the sender's included, got each message.
    assertThat(chat.steps().subList(0, 2))
        .allSatisfy(step -> assertThat(step.delivered()).isEqualTo(step.expected()));
    // Read fan-out: every online member pulled each message.
    ChatCommand.Step read = chat.steps().get(2);
    assertThat(read.pulled()).isEqualTo(read.expected());
    assertThat(chat.syncs())
        .extracting(ChatCommand.SyncCase::mode)
        .containsExactly("write (SYNC)", "read (CHAT_HISTORY)");
    // 12 messages at 5 a request: three replies.
    assertThat(chat.syncs())
        .allSatisfy(
            sync ->
                assertThat(sync.outcomes())
                    .hasSize(2)
                    .allSatisfy(outcome -> assertThat(outcome.roundTrips()).isEqualTo(3)));
  }
}
