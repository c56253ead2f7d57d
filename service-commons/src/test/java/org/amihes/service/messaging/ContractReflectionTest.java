package org.amihes.service.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.amihes.contracts.MeterJob;
import org.junit.jupiter.api.Test;

/** Every class of message-contracts (nested records and enums too) is registered for reflection (native images). */
class ContractReflectionTest {

    static List<String> contractClasses() throws Exception {
        Path where = Path.of(MeterJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        String prefix = "org/amihes/contracts/";
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.walk(where.resolve(prefix))) {
                files.map(f -> where.relativize(f).toString().replace('\\', '/')).forEach(names::add);
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                jar.stream().map(e -> e.getName()).forEach(names::add);
            }
        }
        return names.stream().filter(n -> n.startsWith(prefix) && n.endsWith(".class"))
                .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                .filter(n -> !n.endsWith("package-info") && !n.endsWith("ContractViolation"))
                .filter(n -> !n.matches(".*\\$\\d+$")) // anonymous classes: never (de)serialised
                .sorted().toList();
    }

    @Test
    void everyContractIsRegistered() throws Exception {
        List<String> registered = Arrays.stream(ContractReflection.class.getAnnotation(RegisterForReflection.class).targets())
                .map(Class::getName).sorted().toList();
        List<String> contracts = contractClasses();
        assertThat(contracts).contains("org.amihes.contracts.MdmsReadings", "org.amihes.contracts.MdmsReading$Kind");
        assertThat(registered).containsExactlyInAnyOrderElementsOf(contracts);
    }
}
