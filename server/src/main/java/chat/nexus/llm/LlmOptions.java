package chat.nexus.llm;

import chat.nexus.config.Config;
import chat.nexus.config.ConfigException;
import chat.nexus.config.Settings;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The gateway's settings, every limit a named default. {@link #toString()} names no key. */
public final class LlmOptions {

  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
  public static final long DEFAULT_FIRST_TOKEN_TIMEOUT_MS = 30_000;
  public static final long DEFAULT_TOTAL_TIMEOUT_MS = 120_000;
  public static final int DEFAULT_MAX_RETRIES = 3;

  /** The ceiling of the first retry's wait (full jitter: anywhere below it), doubled per retry. */
  public static final long DEFAULT_BACKOFF_BASE_MS = 250;

  public static final long DEFAULT_BACKOFF_CAP_MS = 8_000;

  /** How long a key rests after a 429 that gave no hint. */
  public static final long DEFAULT_KEY_COOL_DOWN_MS = 5_000;

  public static final int DEFAULT_MAX_PER_USER = 2;
  public static final long DEFAULT_QUEUE_TIMEOUT_MS = 0;

  /** 0 turns the response cache off. */
  public static final long DEFAULT_CACHE_TTL_MS = 0;

  public static final long DEFAULT_CACHE_MAX_ENTRIES = 10_000;
  public static final long DEFAULT_SIMULATED_TOKEN_DELAY_MS = 30;

  /**
   * Estimated tokens of a companion prompt (card, lorebook and recent history): 4,096 fits the
   * small context windows of local models with room for the reply; raise it for large-context
   * models.
   */
  public static final int DEFAULT_PROMPT_TOKEN_BUDGET = 4_096;

  /**
   * Upstream connections each event loop keeps open ahead of demand; 0 opens them only when needed.
   */
  public static final int DEFAULT_PRECONNECT = 0;

  /** Below this a card's own text would not fit. */
  public static final int MIN_PROMPT_TOKEN_BUDGET = 256;

  /** 0 = no quota. */
  public static final long DEFAULT_QUOTA_TOKENS = 0;

  private String baseUrl = Config.DEFAULT_LLM_BASE_URL;
  private List<String> apiKeys = List.of();
  private String model;
  private int maxConcurrent = Config.DEFAULT_LLM_MAX_CONCURRENT;
  private int maxPerUser = DEFAULT_MAX_PER_USER;
  private long queueTimeoutMs = DEFAULT_QUEUE_TIMEOUT_MS;
  private long cacheTtlMs = DEFAULT_CACHE_TTL_MS;
  private long cacheMaxEntries = DEFAULT_CACHE_MAX_ENTRIES;
  private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  private long firstTokenTimeoutMs = DEFAULT_FIRST_TOKEN_TIMEOUT_MS;
  private long totalTimeoutMs = DEFAULT_TOTAL_TIMEOUT_MS;
  private int maxRetries = DEFAULT_MAX_RETRIES;
  private long backoffBaseMs = DEFAULT_BACKOFF_BASE_MS;
  private long backoffCapMs = DEFAULT_BACKOFF_CAP_MS;
  private long keyCoolDownMs = DEFAULT_KEY_COOL_DOWN_MS;
  private long simulatedTokenDelayMs = DEFAULT_SIMULATED_TOKEN_DELAY_MS;
  private int promptTokenBudget = DEFAULT_PROMPT_TOKEN_BUDGET;
  private int preconnect = DEFAULT_PRECONNECT;
  private JsonObject extraBody = new JsonObject();
  private long quotaDailyTokens = DEFAULT_QUOTA_TOKENS;
  private long quotaMonthlyTokens = DEFAULT_QUOTA_TOKENS;

  /**
   * What {@link Config} knows (base URL, keys, model, concurrency); the rest keeps its defaults.
   */
  public static LlmOptions from(Config config) {
    return new LlmOptions()
        .baseUrl(config.llmBaseUrl())
        .apiKeys(config.llmApiKeys())
        .model(config.llmModel())
        .maxConcurrent(config.llmMaxConcurrent());
  }

  /**
   * Adds the gateway's own variables, which {@link Config} does not carry yet: LLM_MAX_PER_USER,
   * LLM_QUEUE_TIMEOUT_MS, LLM_CACHE_TTL_MS (0 = off), LLM_CONNECT_TIMEOUT_MS,
   * LLM_FIRST_TOKEN_TIMEOUT_MS, LLM_TIMEOUT_MS (total), LLM_MAX_RETRIES, LLM_SIMULATED_TOKEN_MS,
   * LLM_PROMPT_TOKEN_BUDGET, LLM_PRECONNECT, LLM_EXTRA_BODY (a JSON object merged into every
   * request body), LLM_QUOTA_DAILY_TOKENS and LLM_QUOTA_MONTHLY_TOKENS (0 = unlimited). Throws
   * {@link ConfigException} listing every bad value.
   */
  public LlmOptions withEnv(Map<String, String> env) {
    Settings s = new Settings(env);
    maxPerUser((int) s.wholeNumber("LLM_MAX_PER_USER", maxPerUser, 1, Integer.MAX_VALUE));
    queueTimeoutMs(s.wholeNumber("LLM_QUEUE_TIMEOUT_MS", queueTimeoutMs, 0, Integer.MAX_VALUE));
    cacheTtlMs(s.wholeNumber("LLM_CACHE_TTL_MS", cacheTtlMs, 0, Integer.MAX_VALUE));
    connectTimeoutMs(
        s.wholeNumber("LLM_CONNECT_TIMEOUT_MS", connectTimeoutMs, 1, Integer.MAX_VALUE));
    firstTokenTimeoutMs(
        s.wholeNumber("LLM_FIRST_TOKEN_TIMEOUT_MS", firstTokenTimeoutMs, 1, Integer.MAX_VALUE));
    totalTimeoutMs(s.wholeNumber("LLM_TIMEOUT_MS", totalTimeoutMs, 1, Integer.MAX_VALUE));
    maxRetries((int) s.wholeNumber("LLM_MAX_RETRIES", maxRetries, 0, Integer.MAX_VALUE));
    simulatedTokenDelayMs(
        s.wholeNumber("LLM_SIMULATED_TOKEN_MS", simulatedTokenDelayMs, 0, Integer.MAX_VALUE));
    promptTokenBudget(
        (int)
            s.wholeNumber(
                "LLM_PROMPT_TOKEN_BUDGET",
                promptTokenBudget,
                MIN_PROMPT_TOKEN_BUDGET,
                Integer.MAX_VALUE));
    preconnect((int) s.wholeNumber("LLM_PRECONNECT", preconnect, 0, Integer.MAX_VALUE));
    quotaDailyTokens(
        s.wholeNumber("LLM_QUOTA_DAILY_TOKENS", quotaDailyTokens, 0, Long.MAX_VALUE / 4));
    quotaMonthlyTokens(
        s.wholeNumber("LLM_QUOTA_MONTHLY_TOKENS", quotaMonthlyTokens, 0, Long.MAX_VALUE / 4));
    String extra = s.raw("LLM_EXTRA_BODY");
    if (extra != null && !extra.isBlank()) {
      try {
        extraBody(ExtraBody.parse(extra));
      } catch (IllegalArgumentException e) {
        s.problem(e.getMessage());
      }
    }
    s.check();
    return this;
  }

  public String baseUrl() {
    return baseUrl;
  }

  public List<String> apiKeys() {
    return apiKeys;
  }

  public String model() {
    return model;
  }

  public int maxConcurrent() {
    return maxConcurrent;
  }

  public int maxPerUser() {
    return maxPerUser;
  }

  public long queueTimeoutMs() {
    return queueTimeoutMs;
  }

  public long cacheTtlMs() {
    return cacheTtlMs;
  }

  public int promptTokenBudget() {
    return promptTokenBudget;
  }

  public long cacheMaxEntries() {
    return cacheMaxEntries;
  }

  public long connectTimeoutMs() {
    return connectTimeoutMs;
  }

  public long firstTokenTimeoutMs() {
    return firstTokenTimeoutMs;
  }

  public long totalTimeoutMs() {
    return totalTimeoutMs;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public long backoffBaseMs() {
    return backoffBaseMs;
  }

  public long backoffCapMs() {
    return backoffCapMs;
  }

  public long keyCoolDownMs() {
    return keyCoolDownMs;
  }

  public long simulatedTokenDelayMs() {
    return simulatedTokenDelayMs;
  }

  /** LLM_EXTRA_BODY: merged into every request body (a copy). Its values stay out of reports. */
  JsonObject extraBody() {
    return extraBody.copy();
  }

  /** The top-level fields LLM_EXTRA_BODY sets, for the configuration report (not their values). */
  public List<String> extraBodyFields() {
    return List.copyOf(extraBody.fieldNames());
  }

  /**
   * True when the upstream is Venice (the default), which adds a system prompt of its own unless
   * asked not to.
   */
  public boolean venice() {
    try {
      String host = URI.create(baseUrl).getHost();
      return host != null
          && (host.toLowerCase(Locale.ROOT).equals("venice.ai")
              || host.toLowerCase(Locale.ROOT).endsWith(".venice.ai"));
    } catch (IllegalArgumentException notAUri) {
      return false;
    }
  }

  /** Tokens (in and out) a user may spend per UTC day; 0 = unlimited. */
  public long quotaDailyTokens() {
    return quotaDailyTokens;
  }

  /** Tokens (in and out) a user may spend per UTC calendar month; 0 = unlimited. */
  public long quotaMonthlyTokens() {
    return quotaMonthlyTokens;
  }

  /** Connections each event loop keeps open, never more than the calls allowed in flight. */
  public int preconnect() {
    return Math.min(preconnect, maxConcurrent);
  }

  public LlmOptions baseUrl(String v) {
    baseUrl = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
    return this;
  }

  public LlmOptions apiKeys(List<String> v) {
    apiKeys = List.copyOf(v);
    return this;
  }

  public LlmOptions model(String v) {
    model = v;
    return this;
  }

  public LlmOptions maxConcurrent(int v) {
    maxConcurrent = v;
    return this;
  }

  public LlmOptions maxPerUser(int v) {
    maxPerUser = v;
    return this;
  }

  public LlmOptions queueTimeoutMs(long v) {
    queueTimeoutMs = v;
    return this;
  }

  public LlmOptions cacheTtlMs(long v) {
    cacheTtlMs = v;
    return this;
  }

  public LlmOptions promptTokenBudget(int v) {
    promptTokenBudget = v;
    return this;
  }

  public LlmOptions cacheMaxEntries(long v) {
    cacheMaxEntries = v;
    return this;
  }

  public LlmOptions connectTimeoutMs(long v) {
    connectTimeoutMs = v;
    return this;
  }

  public LlmOptions firstTokenTimeoutMs(long v) {
    firstTokenTimeoutMs = v;
    return this;
  }

  public LlmOptions totalTimeoutMs(long v) {
    totalTimeoutMs = v;
    return this;
  }

  public LlmOptions maxRetries(int v) {
    maxRetries = v;
    return this;
  }

  public LlmOptions backoffBaseMs(long v) {
    backoffBaseMs = v;
    return this;
  }

  public LlmOptions backoffCapMs(long v) {
    backoffCapMs = v;
    return this;
  }

  public LlmOptions keyCoolDownMs(long v) {
    keyCoolDownMs = v;
    return this;
  }

  public LlmOptions simulatedTokenDelayMs(long v) {
    simulatedTokenDelayMs = v;
    return this;
  }

  public LlmOptions preconnect(int v) {
    preconnect = v;
    return this;
  }

  /** Throws IllegalArgumentException when {@link ExtraBody#parse} would. */
  public LlmOptions extraBody(JsonObject v) {
    extraBody = ExtraBody.parse(v.encode());
    return this;
  }

  public LlmOptions quotaDailyTokens(long v) {
    quotaDailyTokens = v;
    return this;
  }

  public LlmOptions quotaMonthlyTokens(long v) {
    quotaMonthlyTokens = v;
    return this;
  }

  @Override
  public String toString() {
    return "LlmOptions[baseUrl="
        + baseUrl
        + ", keys="
        + apiKeys.size()
        + ", model="
        + model
        + ", maxConcurrent="
        + maxConcurrent
        + ", maxPerUser="
        + maxPerUser
        + ", queueTimeoutMs="
        + queueTimeoutMs
        + ", cacheTtlMs="
        + cacheTtlMs
        + ", connectTimeoutMs="
        + connectTimeoutMs
        + ", firstTokenTimeoutMs="
        + firstTokenTimeoutMs
        + ", totalTimeoutMs="
        + totalTimeoutMs
        + ", maxRetries="
        + maxRetries
        + ", preconnect="
        + preconnect()
        + ", extraBodyFields="
        + extraBodyFields()
        + ", quotaDailyTokens="
        + quotaDailyTokens
        + ", quotaMonthlyTokens="
        + quotaMonthlyTokens
        + "]";
  }
}
