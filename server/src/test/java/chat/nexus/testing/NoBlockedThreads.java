package chat.nexus.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails any test during which a Vert.x event loop (or worker) was reported blocked. Registered for
 * every test class of this module through JUnit's extension auto-detection (META-INF/services and
 * junit-platform.properties), so a new test cannot forget it. A warning that arrives between tests
 * fails the class's after-all step. Classes marked {@link ExpectsBlockedThreads} (the test of this
 * check itself) are exempt.
 */
public final class NoBlockedThreads
    implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  /** This class blocks event loops on purpose; its warnings are its own business. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  public @interface ExpectsBlockedThreads {}

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(NoBlockedThreads.class);

  /** One appender for the whole run, closed when the run ends. */
  private static BlockedThreadLog log(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("log", key -> new Attached(BlockedThreadLog.attach()), Attached.class)
        .log;
  }

  private record Attached(BlockedThreadLog log)
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      log.close();
    }
  }

  private static boolean exempt(ExtensionContext context) {
    return context
        .getTestClass()
        .map(c -> c.isAnnotationPresent(ExpectsBlockedThreads.class))
        .orElse(false);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    List<String> earlier = log(context).drain();
    if (!earlier.isEmpty()) {
      throw new AssertionError(
          "a Vert.x thread was blocked before "
              + context.getDisplayName()
              + ":\n"
              + String.join("\n", earlier));
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check(context, "during " + context.getDisplayName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    check(context, "in " + context.getDisplayName() + " (after its tests)");
  }

  private static void check(ExtensionContext context, String where) {
    List<String> warnings = log(context).drain();
    if (!warnings.isEmpty() && !exempt(context)) {
      throw new AssertionError(
          "a Vert.x thread was blocked "
              + where
              + " (BlockedThreadChecker):\n"
              + String.join("\n", warnings));
    }
  }
}
