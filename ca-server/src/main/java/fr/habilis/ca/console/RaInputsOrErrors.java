package fr.habilis.ca.console;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import java.util.List;
import java.util.function.Supplier;

/** A form read by the RA API's rules: the value, or the invalid fields to show beside the form. */
record RaInputsOrErrors<T>(T value, List<DomainError.FieldError> errors) {
  static <T> RaInputsOrErrors<T> parse(Supplier<T> reading) {
    try {
      return new RaInputsOrErrors<>(reading.get(), null);
    } catch (DomainError e) {
      if (e.kind() != ErrorKind.MALFORMED || e.fields().isEmpty()) throw e;
      return new RaInputsOrErrors<>(null, e.fields());
    }
  }
}
