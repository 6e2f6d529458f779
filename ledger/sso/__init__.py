"""Single sign-on and provisioning from a company's identity provider."""
