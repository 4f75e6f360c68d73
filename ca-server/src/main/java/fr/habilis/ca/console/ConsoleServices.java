package fr.habilis.ca.console;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.operators.PendingActions;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.revocation.OcspResponder;
import fr.habilis.ca.revocation.RevocationService;

/**
 * The services the console's pages call: the very ones behind the RA API (four-eyes actions
 * included) and the OCSP responder.
 */
public record ConsoleServices(ServerContext ctx, RegistryService registry, RevocationService revocation,
    OcspResponder ocsp, RenewalService renewal, PendingActions actions) {}
