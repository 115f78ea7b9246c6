package chat.nexus.deploy;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instructions of deploy/Containerfile that describe the running image (ENTRYPOINT, USER,
 * WORKDIR, ENV, HEALTHCHECK), read to compare them with the image build.sh makes. Only the forms
 * that file uses: exec-form JSON arrays, {@code ENV NAME=value ...} without quotes.
 */
record Containerfile(List<String> instructions) {

  static Containerfile read(Path file) {
    try {
      List<String> instructions = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank() || line.stripLeading().startsWith("#")) {
          continue;
        }
        if (line.endsWith("\\")) {
          current.append(line, 0, line.length() - 1).append(' ');
          continue;
        }
        instructions.add(current.append(line).toString().strip());
        current.setLength(0);
      }
      return new Containerfile(instructions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonArray entrypoint() {
    return new JsonArray(last("ENTRYPOINT"));
  }

  String user() {
    return last("USER");
  }

  String workdir() {
    return last("WORKDIR");
  }

  /** Every ENV instruction's variables, in the final stage (after the last FROM). */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String instruction : finalStage()) {
      if (instruction.startsWith("ENV ")) {
        for (String pair : instruction.substring(4).trim().split("\\s+")) {
          int equals = pair.indexOf('=');
          env.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
      }
    }
    return env;
  }

  /** HEALTHCHECK's command, after CMD. */
  JsonArray healthCommand() {
    String health = last("HEALTHCHECK");
    return new JsonArray(health.substring(health.indexOf("CMD ") + 4));
  }

  /** HEALTHCHECK's options: {@code --timeout=10s} as "timeout" -> "10s". */
  Map<String, String> healthOptions() {
    Map<String, String> options = new HashMap<>();
    for (String word : last("HEALTHCHECK").split("\\s+")) {
      if (word.startsWith("--") && word.contains("=")) {
        options.put(word.substring(2, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
      }
    }
    return options;
  }

  private List<String> finalStage() {
    int from = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).startsWith("FROM ")) {
        from = i;
      }
    }
    return instructions.subList(from, instructions.size());
  }

  private String last(String keyword) {
    List<String> stage = finalStage();
    for (int i = stage.size() - 1; i >= 0; i--) {
      if (stage.get(i).startsWith(keyword + " ")) {
        return stage.get(i).substring(keyword.length() + 1).trim();
      }
    }
    throw new AssertionError("no " + keyword + " in the Containerfile's final stage");
  }
}
