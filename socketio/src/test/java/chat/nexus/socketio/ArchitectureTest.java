package chat.nexus.socketio;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The library's packages depend on each other in one direction only: Engine.IO below Socket.IO, the
 * parser and the adapter SPI below the server classes, the Redis adapters on top.
 */
class ArchitectureTest {

  @Test
  void mainCodeHasNoPackageCycle() throws Exception {
    Path mainClasses =
        Path.of(SocketIoServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    JavaClasses main = new ClassFileImporter().importPath(mainClasses);
    assertThat(main).as("the module's main classes in " + mainClasses).hasSizeGreaterThan(50);

    slices().matching("chat.nexus.(**)").should().beFreeOfCycles().check(main);
  }
}
