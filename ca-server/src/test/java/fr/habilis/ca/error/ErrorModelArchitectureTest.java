package fr.habilis.ca.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The error model as a rule the build enforces (issue 15, "the class fix"): domain code says what
 * went wrong with a {@link DomainError} of an {@link ErrorKind}; only the front ends' mappings
 * build problem documents. Scans the main sources, so a shortcut taken in a hurry fails here.
 */
class ErrorModelArchitectureTest {
  private static final Path ROOT = Path.of("src/main/java/fr/habilis/ca");
  /** Packages that decide, issue, store and notify: they know error kinds, not wire formats. */
  private static final Set<String> DOMAIN = Set.of("registry", "issuance", "finalize", "renewal", "revocation", "notify",
      "pki", "store", "audit", "config", "error");
  /** The only places where an ErrorKind becomes a problem document. */
  private static final Set<String> MAPPINGS = Set.of("acme/AcmeProblems.java", "ra/RaErrors.java", "web/HttpProblems.java");
  private static final Pattern PROBLEM_TYPE = Pattern.compile("\\bProblem\\b(?!Handler)");
  private static final Pattern NEW_PROBLEM = Pattern.compile("new\\s+(fr\\.habilis\\.ca\\.web\\.)?Problem\\s*\\(");
  private static final Pattern URN = Pattern.compile("urn:ietf:params:acme:error:|urn:habilis:ra:error:");

  private record Source(String path, String text) {
    String pkg() {
      return path.contains("/") ? path.substring(0, path.indexOf('/')) : "";
    }
  }

  private static List<Source> sources() throws IOException {
    assertTrue(Files.isDirectory(ROOT), "run from the ca-server module: " + ROOT.toAbsolutePath());
    List<Source> all = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        all.add(new Source(ROOT.relativize(p).toString().replace('\\', '/'), withoutComments(Files.readString(p))));
      }
    }
    assertTrue(all.size() > 50, "found the sources");
    return all;
  }

  /** Comments may name Problem (documentation); only code counts. */
  private static String withoutComments(String s) {
    return s.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
  }

  @Test
  void domainPackagesNeverReferToProblemDocuments() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Source s : sources()) {
      if (!DOMAIN.contains(s.pkg())) continue;
      if (PROBLEM_TYPE.matcher(s.text()).find() || URN.matcher(s.text()).find() || s.text().contains("fr.habilis.ca.acme")
          || s.text().contains("fr.habilis.ca.ra.")) {
        offenders.add(s.path());
      }
    }
    assertEquals(List.of(), offenders, "domain code throws DomainError; the front ends map it");
  }

  @Test
  void problemDocumentsAreBuiltOnlyByTheMappings() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Source s : sources()) {
      if (MAPPINGS.contains(s.path()) || s.path().equals("web/Problem.java")) continue;
      if (NEW_PROBLEM.matcher(s.text()).find() || URN.matcher(s.text()).find()) offenders.add(s.path());
    }
    assertEquals(List.of(), offenders, "only AcmeProblems, RaErrors and HttpProblems build problem documents");
  }

  @Test
  void refusalsAreDomainErrorsNotHomeMadeExceptions() throws IOException {
    // A refusal type of its own (extends RuntimeException) would escape the mappings and answer 500;
    // the exceptions allowed are internal signals that never reach a client.
    Set<String> internal = Set.of("finalize/Finalizer.java", "config/ConfigException.java", "issuance/IssuanceService.java");
    Pattern ownException = Pattern.compile("extends\\s+RuntimeException");
    List<String> offenders = new ArrayList<>();
    for (Source s : sources()) {
      if (!s.path().equals("error/DomainError.java") && !internal.contains(s.path()) && ownException.matcher(s.text()).find()) {
        offenders.add(s.path());
      }
    }
    assertEquals(List.of(), offenders);
  }

  @Test
  void theRuleCatchesAViolation() {
    // The scanner itself must see what it is meant to forbid.
    assertTrue(PROBLEM_TYPE.matcher("throw new Problem(\"x\", 400, \"y\")").find());
    assertTrue(NEW_PROBLEM.matcher("new fr.habilis.ca.web.Problem(").find());
    assertFalse(PROBLEM_TYPE.matcher("new ProblemHandler(RaErrors::toProblem, null)").find());
    assertTrue(URN.matcher("\"urn:ietf:params:acme:error:badCSR\"").find());
  }
}
