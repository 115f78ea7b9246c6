package chat.nexus;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The server's capability packages depend on each other in one direction only. The package {@code
 * chat.nexus} itself (Main, ChatServer) wires them all together and is in no slice: nothing depends
 * on it.
 */
class ArchitectureTest {

  @Test
  void mainCodeHasNoPackageCycle() throws Exception {
    Path mainClasses =
        Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    JavaClasses main = new ClassFileImporter().importPath(mainClasses);
    assertThat(main).as("the module's main classes in " + mainClasses).hasSizeGreaterThan(50);

    slices().matching("chat.nexus.(**)").should().beFreeOfCycles().check(main);
  }
}
