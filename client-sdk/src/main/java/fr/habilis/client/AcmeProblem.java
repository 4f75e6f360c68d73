package fr.habilis.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An ACME problem document as the server sent it: type, HTTP status, detail, and for a refused
 * order one subproblem per identifier with the habilitation rule ({@code reason}, a Habilis
 * extension such as {@code DOMAIN_OUT_OF_SCOPE}).
 */
public final class AcmeProblem {
  private static final String PREFIX = "urn:ietf:params:acme:error:";
  private final String type;
  private final int status;
  private final String detail;
  private final String identifierType;
  private final String identifierValue;
  private final String reason;
  private final List<AcmeProblem> subproblems;

  public AcmeProblem(String type, int status, String detail, String identifierType, String identifierValue,
      String reason, List<AcmeProblem> subproblems) {
    this.type = type;
    this.status = status;
    this.detail = detail;
    this.identifierType = identifierType;
    this.identifierValue = identifierValue;
    this.reason = reason;
    this.subproblems = Collections.unmodifiableList(new ArrayList<>(subproblems));
  }

  /** The full type URI, e.g. {@code urn:ietf:params:acme:error:rejectedIdentifier}. */
  public String type() {
    return type;
  }

  /** The type without the ACME prefix: {@code rejectedIdentifier}. */
  public String shortType() {
    return type.startsWith(PREFIX) ? type.substring(PREFIX.length()) : type;
  }

  /** The HTTP status, or 0 when the document did not say. */
  public int status() {
    return status;
  }

  public String detail() {
    return detail;
  }

  /** The identifier a subproblem is about ({@code dns}/{@code email}/{@code structure}). */
  public Optional<String> identifierType() {
    return Optional.ofNullable(identifierType);
  }

  public Optional<String> identifierValue() {
    return Optional.ofNullable(identifierValue);
  }

  /** The habilitation rule that refused the identifier (e.g. {@code DOMAIN_OUT_OF_SCOPE}). */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  public List<AcmeProblem> subproblems() {
    return subproblems;
  }

  /** One line for the problem, then one per subproblem: what an operator should read. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append("the CA refused (").append(shortType()).append("): ").append(detail == null ? "no detail" : detail);
    for (AcmeProblem sub : subproblems) {
      b.append("\n  - ");
      if (sub.identifierValue != null) b.append(sub.identifierValue).append(": ");
      b.append(sub.detail == null ? sub.shortType() : sub.detail);
      if (sub.reason != null) b.append(" [").append(sub.reason).append(']');
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}
