package chat.nexus.loadtest;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The full chat server per the public contract: JWT auth, {@code room:join}, {@code message:send}
 * acked after storage, {@code message:new} to the other room members. Measures ack and delivery
 * latency.
 */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description =
        "Chat contract: JWT sign-in, room:join, paced message:send; measure ack latency and errors, "
            + "message:new delivery latency, loss and server cost.")
final class Chat implements Callable<Integer> {
  @Mixin Common common;
  @Mixin Sized sized;
  @Mixin Traffic traffic;

  @picocli.CommandLine.Spec
  CommandSpec command; // qualified: Spec is also this package's per-worker record

  @Option(
      names = "--jwt-secret",
      defaultValue = "${env:JWT_SECRET}",
      description =
          "The server's JWT_SECRET: each client gets an HS256 token for user lt-<worker>-<k>. Default: $JWT_SECRET.")
  String jwtSecret;

  @Option(
      names = "--mentions",
      defaultValue = "0",
      description =
          "Share of messages (0-1) that mention another member of the room (@lt<k>). Default: ${DEFAULT-VALUE}")
  double mentions;

  @Option(
      names = "--read-every",
      defaultValue = "0s",
      description =
          "Every client marks what it received as read (a `read` event) this often; 0s: never. Default: ${DEFAULT-VALUE}")
  java.time.Duration readEvery;

  @Option(
      names = "--companion-mentions",
      defaultValue = "0",
      description =
          "Share of messages (0-1) that call the room's companion (@<handle>); before the run, user "
              + RoomCompanionSetup.OWNER
              + " creates the rooms and adds the companion to each. Default: ${DEFAULT-VALUE}")
  double companionMentions;

  @Option(
      names = "--companion",
      defaultValue = "demo-mira",
      description = "The character added to every room. Default: ${DEFAULT-VALUE}")
  String companion;

  @Option(
      names = "--companion-handle",
      defaultValue = "mira",
      description = "What the companion answers to (@handle). Default: ${DEFAULT-VALUE}")
  String companionHandle;

  @Override
  public Integer call() throws Exception {
    if (jwtSecret == null || jwtSecret.isEmpty()) {
      throw new ParameterException(
          command.commandLine(),
          "--jwt-secret (or the JWT_SECRET environment variable) is required");
    }
    if (!(mentions >= 0 && mentions <= 1)
        || !(companionMentions >= 0 && companionMentions <= 1)
        || readEvery.isNegative()) {
      throw new ParameterException(
          command.commandLine(),
          "--mentions and --companion-mentions are shares from 0 to 1; --read-every is not negative");
    }
    if (companionMentions > 0 && !companionHandle.matches("[a-z0-9_.-]{1,64}")) {
      throw new ParameterException(
          command.commandLine(), "--companion-handle is a lower-case @name without the @");
    }
    if (companionMentions > 0 && !common.child) {
      RoomCompanionSetup.prepare(common.url, jwtSecret, traffic.rooms, companion, companionHandle);
    }
    return traffic.run(
        common,
        sized,
        "chat",
        new ChatProtocol(
            jwtSecret,
            common.workerIndex,
            traffic.rooms,
            traffic.payload,
            new ChatProtocol.Reading(mentions, sized.clients, readEvery.toMillis()),
            new ChatProtocol.CompanionCalls(companionMentions, companionHandle)));
  }
}
