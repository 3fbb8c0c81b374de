package com.pharmabridge.gateway.auth;

import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.X509Certificate;

/** Reads the device id a client certificate names: its subject's common name (CN). */
public final class CertificateIdentity {
    private CertificateIdentity() {
    }

    /** @return the subject's one CN, or {@code null} when it has none or more than one */
    public static String commonName(X509Certificate certificate) {
        if (certificate == null) {
            return null;
        }
        try {
            String found = null;
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                Attribute cn = rdn.toAttributes().get("CN");
                if (cn == null) {
                    continue;
                }
                if (found != null || cn.size() != 1 || !(cn.get() instanceof String value)) {
                    return null; // two CNs name no single device
                }
                found = value;
            }
            return found;
        } catch (NamingException e) {
            return null;
        }
    }
}
