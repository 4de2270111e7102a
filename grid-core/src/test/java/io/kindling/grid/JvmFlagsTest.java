package io.kindling.grid;

import io.kindling.grid.internal.JvmFlags;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The flags check against this JVM, which the build starts with config/jvm.options. */
class JvmFlagsTest {
    @Test
    void theListIsInEffectHere_aPackageNotOpenedIsReportedMissing() {
        List<String> flags = JvmFlags.addOpens();
        assertFalse(flags.isEmpty());
        assertEquals(List.of(), JvmFlags.missing(flags), "the test JVM runs with config/jvm.options");
        String notOpened = "--add-opens=java.base/java.util.random=ALL-UNNAMED";
        assertEquals(List.of(notOpened), JvmFlags.missing(List.of(flags.get(0), notOpened)));
        JvmFlags.require("a test");
    }
}
