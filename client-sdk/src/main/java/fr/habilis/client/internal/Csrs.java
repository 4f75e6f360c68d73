package fr.habilis.client.internal;

import java.io.IOException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Builds the PKCS#10 request signed by the locally made key. The subject holds the CN only: the
 * server takes O, OU, ST and C from the registry and ignores anything else in the CSR.
 */
public final class Csrs {
  private Csrs() {}

  public static byte[] build(KeyPair key, String signatureAlgorithm, String commonName, List<String> dnsNames,
      List<String> emails) {
    try {
      X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
      if (commonName != null) subject.addRDN(BCStyle.CN, commonName);
      JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(subject.build(), key.getPublic());
      List<GeneralName> names = new ArrayList<>();
      for (String d : dnsNames) names.add(new GeneralName(GeneralName.dNSName, d));
      for (String e : emails) names.add(new GeneralName(GeneralName.rfc822Name, e));
      if (!names.isEmpty()) {
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
      }
      return b.build(new JcaContentSignerBuilder(signatureAlgorithm).build(key.getPrivate())).getEncoded();
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build the CSR: " + e.getMessage(), e);
    }
  }
}
