package fr.habilis.ca.error;

import java.time.Duration;
import java.util.List;

/**
 * A refused request: its {@link ErrorKind}, a detail for a human, and what some kinds carry —
 * per-identifier subproblems, per-field errors, the accepted values, a retry delay. The one
 * exception type of domain failures; front ends map it to their wire format in one place each.
 * Thrown without a stack trace: it is an answer, not a fault.
 */
public class DomainError extends RuntimeException {
  private final ErrorKind kind;
  private final List<Subproblem> subproblems;
  private final List<FieldError> fields;
  private final List<String> accepted;
  private final Duration retryAfter;

  /** The refusal of one identifier of a request (RFC 8555 §6.7.1). */
  public record Subproblem(ErrorKind kind, String identifierType, String identifierValue, String detail, String reason) {}

  /** One invalid field of a request body: its JSON path and what is wrong with it. */
  public record FieldError(String field, String problem) {}

  public DomainError(ErrorKind kind, String detail) {
    this(kind, detail, List.of(), List.of(), List.of(), null);
  }

  private DomainError(ErrorKind kind, String detail, List<Subproblem> subproblems, List<FieldError> fields,
      List<String> accepted, Duration retryAfter) {
    super(detail, null, false, false);
    this.kind = kind;
    this.subproblems = List.copyOf(subproblems);
    this.fields = List.copyOf(fields);
    this.accepted = List.copyOf(accepted);
    this.retryAfter = retryAfter;
  }

  public ErrorKind kind() {
    return kind;
  }

  public String detail() {
    return getMessage();
  }

  public List<Subproblem> subproblems() {
    return subproblems;
  }

  public List<FieldError> fields() {
    return fields;
  }

  /** The values that would have been accepted (algorithms, profiles), when the kind says so. */
  public List<String> accepted() {
    return accepted;
  }

  /** When the client may try again, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public String toString() {
    return kind + ": " + getMessage();
  }

  public static DomainError of(ErrorKind kind, String detail) {
    return new DomainError(kind, detail);
  }

  public static DomainError malformed(String detail) {
    return new DomainError(ErrorKind.MALFORMED, detail);
  }

  public static DomainError notFound(String detail) {
    return new DomainError(ErrorKind.NOT_FOUND, detail);
  }

  public static DomainError conflict(String detail) {
    return new DomainError(ErrorKind.CONFLICT, detail);
  }

  public static DomainError unauthorized(String detail) {
    return new DomainError(ErrorKind.UNAUTHORIZED, detail);
  }

  public static DomainError forbidden(String detail) {
    return new DomainError(ErrorKind.FORBIDDEN, detail);
  }

  public static DomainError badCsr(String detail) {
    return new DomainError(ErrorKind.BAD_CSR, detail);
  }

  public static DomainError internal(String detail) {
    return new DomainError(ErrorKind.INTERNAL, detail);
  }

  /** A request refused identifier by identifier (the detail sums them up). */
  public static DomainError withSubproblems(ErrorKind kind, String detail, List<Subproblem> subproblems) {
    return new DomainError(kind, detail, subproblems, List.of(), List.of(), null);
  }

  /** A request body with invalid fields, each named (MALFORMED). */
  public static DomainError invalidFields(List<FieldError> errors) {
    String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).problem() : errors.size() + " invalid fields";
    return new DomainError(ErrorKind.MALFORMED, detail, List.of(), errors, List.of(), null);
  }

  public static DomainError invalidField(String field, String problem) {
    return invalidFields(List.of(new FieldError(field, problem)));
  }

  /** A value outside an accepted set (BAD_SIGNATURE_ALGORITHM, INVALID_PROFILE), naming the set. */
  public static DomainError notAccepted(ErrorKind kind, String detail, List<String> accepted) {
    return new DomainError(kind, detail, List.of(), List.of(), accepted, null);
  }

  public static DomainError rateLimited(String detail, Duration retryAfter) {
    return new DomainError(ErrorKind.RATE_LIMITED, detail, List.of(), List.of(), List.of(), retryAfter);
  }
}
