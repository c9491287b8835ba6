package io.herald.bench;

import io.herald.bench.load.ClientsCommand;
import io.herald.bench.scenario.ChatCommand;
import io.herald.bench.scenario.CometMemoryCommand;
import io.herald.bench.scenario.CompareCommand;
import io.herald.bench.scenario.ConnectionStormCommand;
import io.herald.bench.scenario.InboxCommand;
import io.herald.bench.scenario.OverloadCommand;
import io.herald.bench.scenario.RoomFanoutCommand;
import io.herald.bench.scenario.SoakCommand;
import io.herald.bench.scenario.UnicastCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The benchmark CLI: {@code Bench <scenario> [options]}; see bench/README.md. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Herald load generator and benchmark scenarios.",
    subcommands = {
      ClientsCommand.class,
      CometMemoryCommand.class,
      RoomFanoutCommand.class,
      ConnectionStormCommand.class,
      UnicastCommand.class,
      InboxCommand.class,
      ChatCommand.class,
      CompareCommand.class,
      OverloadCommand.class,
      SoakCommand.class
    })
public final class Bench {
  private Bench() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(Bench.class).execute(args));
  }
}
