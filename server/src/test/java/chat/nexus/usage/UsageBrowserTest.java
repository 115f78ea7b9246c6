package chat.nexus.usage;

import chat.nexus.llm.FakeUpstream;
import chat.nexus.testing.BrowserScript;
import chat.nexus.testing.ServerCases;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures in plain words, the quota's refusal and today's use in the web client
 * (src/test/js/companion-usage.mjs) in Chromium, against a fake upstream that fails the second
 * call.
 */
class UsageBrowserTest extends ServerCases {

  private final Vertx vertx = Vertx.vertx();
  private FakeUpstream upstream;

  @Override
  protected Map<String, String> env() {
    upstream = FakeUpstream.start(vertx);
    FakeUpstream.failSecondCall(upstream);
    Map<String, String> env = new HashMap<>();
    env.put("LLM_BASE_URL", upstream.baseUrl());
    env.put("LLM_API_KEYS", "sk-fake-upstream-key-0123456789");
    env.put("LLM_MAX_RETRIES", "0");
    env.put("LLM_QUOTA_DAILY_TOKENS", "15");
    return env;
  }

  @AfterAll
  void closeUpstream() throws Exception {
    upstream.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void failuresAndTheQuotaAreSaidPlainly(@TempDir Path workDir) {
    BrowserScript.run(workDir, "companion-usage.mjs", server, Map.of());
  }
}
