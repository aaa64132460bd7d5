module completions {

  def "nu-complete layer-auth color" [] {
    [ "auto" "always" "never" ]
  }

  # Sign, validate and exercise Layer identity tokens (RS256 JWS over a service nonce)
  export extern layer-auth [
    --color: string@"nu-complete layer-auth color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
  ]

  def "nu-complete layer-auth keygen format" [] {
    [ "pem" "jwk" ]
  }

  def "nu-complete layer-auth keygen color" [] {
    [ "auto" "always" "never" ]
  }

  # Generate an RSA key pair for signing identity tokens
  export extern "layer-auth keygen" [
    --bits: string            # Key size in bits: 2048, 3072 or 4096
    --out: path               # Where to write the private key
    --force                   # Replace --out if it exists (the old key is gone for good)
    --format: string@"nu-complete layer-auth keygen format" # How to print the public key
    --color: string@"nu-complete layer-auth keygen color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
  ]

  def "nu-complete layer-auth sign typ" [] {
    [ "JWS" "JWT" ]
  }

  def "nu-complete layer-auth sign color" [] {
    [ "auto" "always" "never" ]
  }

  # Sign a Layer identity token
  export extern "layer-auth sign" [
    --nonce: string           # The nonce the Layer service issued (POST /nonces), copied verbatim (a value starting with - is still the nonce)
    --user: string            # Your app's id for the user (the token's prn)
    --batch: path             # Sign one token per JSON line of FILE (or - for stdin)
    --ttl: string             # Token lifetime: 90s, 10m, 2h, 1d or seconds
    --typ: string@"nu-complete layer-auth sign typ" # Header typ: JWS (as Layer's docs wrote it) or JWT (what the service used from 2015)
    --display-name: string    # display_name claim (at most 128 characters)
    --avatar-url: string      # avatar_url claim (at most 1024 characters)
    --first-name: string      # first_name claim (at most 128 characters)
    --last-name: string       # last_name claim (at most 128 characters)
    --claim: string           # Extra claim NAME=JSON (repeatable); text that is not JSON is taken as a string, and JSON with a member twice is refused. Naming a standard claim (iat, exp, …) replaces it: handy for crafting test tokens
    --key: path               # Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)
    --allow-weak-key          # Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)
    --provider-id: string     # Provider ID (layer:///providers/<uuid>), from the Layer dashboard
    --key-id: string          # Key ID the public key is registered under (layer:///keys/<uuid>)
    --now: string             # Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)
    --color: string@"nu-complete layer-auth sign color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
  ]

  def "nu-complete layer-auth flow color" [] {
    [ "auto" "always" "never" ]
  }

  # Run the Layer authentication sequence end to end and show each step
  export extern "layer-auth flow" [
    --user: string            # The user to authenticate (your app's user id, the token's prn)
    --backend: string         # Your backend's token endpoint: POST {"user_id", "nonce"} → {"identity_token"}
    --form                    # Post user_id and nonce as form fields instead of JSON (with --backend)
    --header: string          # An extra request header for the backend, 'NAME: VALUE' (repeatable), e.g. the app's own login. Values are never shown
    --user-field: string      # The field the backend reads the user id from (the 2014 samples read userID)
    --nonce-field: string     # The field the backend reads the nonce from
    --layer-url: string       # A Layer-compatible service to run against instead of the embedded one, such as `layer-auth serve` (whose sample backend, keys and ids are then used by default)
    --app-id: string          # The app id to present to --layer-url (default: what the service says it is)
    --public-key: path        # Public key(s) the backend's tokens must verify under (PEM, JWK or JWKS); default with --backend: the public half of --key
    --challenge               # Also run the expiry challenge: the session expires, the service answers 401 with a nonce, and the client re-authenticates over exactly that nonce
    --strict                  # Fail for any warning or check not made, not only for a failed step
    --json                    # Print one JSON report of the steps on stdout
    --timeout: string         # Give up on the backend after this long: 10s, 1m, …
    --ttl: string             # Lifetime of the tokens the embedded signer makes
    --leeway: string          # Clock skew forgiven when checking tokens
    --key: path               # Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)
    --allow-weak-key          # Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)
    --provider-id: string     # Provider ID (layer:///providers/<uuid>), from the Layer dashboard
    --key-id: string          # Key ID the public key is registered under (layer:///keys/<uuid>)
    --now: string             # Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)
    --color: string@"nu-complete layer-auth flow color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
  ]

  def "nu-complete layer-auth validate format" [] {
    [ "github" ]
  }

  def "nu-complete layer-auth validate color" [] {
    [ "auto" "always" "never" ]
  }

  # Validate identity tokens, naming every check with the service's eit_* reason
  export extern "layer-auth validate" [
    --public-key: path        # Public key to verify with (repeatable): SPKI or PKCS#1 PEM, a private key's PEM, JWK or JWKS; several form a key set chosen by kid. Default: the public half of --key (LAYER_PRIVATE_KEY_PATH) or LAYER_PRIVATE_KEY when one is set
    --key: path               # Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)
    --provider-id: string     # Provider ID (layer:///providers/<uuid>), from the Layer dashboard
    --key-id: string          # Key ID the public key is registered under (layer:///keys/<uuid>)
    --user: string            # The user the token must be for (its prn)
    --nonce: string           # The nonce the token must carry (its nce)
    --leeway: string          # Clock skew forgiven on iat and exp: 30s, 2m, … (default: none)
    --now: string             # Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)
    --json                    # Print one JSON report per token on stdout (docs/report.md) instead of text
    --jsonl                   # Read stdin as JSON lines {"token": …, "nonce": …, "user": …}: each token judged against its own nonce and user (either may be left out)
    --strict                  # Fail a token for any warning or check not made, not only for a failed check
    --skip-signature          # Count a token valid without verifying its signature (contents only)
    --format: string@"nu-complete layer-auth validate format" # Also print CI annotations on stderr: github (one ::error/::warning line per check)
    --junit: path             # Also write a JUnit XML report to FILE (one testcase per token)
    --color: string@"nu-complete layer-auth validate color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
    token?: string            # The token, or - to read one token per line from stdin
  ]

  def "nu-complete layer-auth serve log_format" [] {
    [ "text" "json" ]
  }

  def "nu-complete layer-auth serve color" [] {
    [ "auto" "always" "never" ]
  }

  # Run a Layer-compatible service over HTTP that apps, SDKs and tests can sign in to
  export extern "layer-auth serve" [
    --listen: string          # Where to listen (port 0 picks a free one)
    --public-key: path        # Register a public key (repeatable): PEM, JWK or JWKS. A PEM is registered under --key-id (or a made-up id)
    --key: path               # Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)
    --allow-weak-key          # Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)
    --provider-id: string     # Provider ID (layer:///providers/<uuid>), from the Layer dashboard
    --key-id: string          # Key ID the public key is registered under (layer:///keys/<uuid>)
    --app-id: string          # The app id clients must present (default: made up, printed)
    --session-ttl: string     # How long a session lasts before the 401 challenge
    --state: path             # Load nonces, sessions and attempts from FILE at start; write them back at exit
    --seed: string            # Make nonces, session tokens and made-up ids reproducible (tests only)
    --log-format: string@"nu-complete layer-auth serve log_format" # How request lines are written on stderr
    --control-token: string   # The bearer token /_emulator/ needs when not on loopback (default: random, printed)
    --max-connections: string # Most connections open at once
    --no-dashboard            # Serve no /dashboard page (the API answers exactly the same)
    --now: string             # Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)
    --color: string@"nu-complete layer-auth serve color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
  ]

  def "nu-complete layer-auth completions shell" [] {
    [ "bash" "zsh" "fish" "elvish" "powershell" "nushell" ]
  }

  def "nu-complete layer-auth completions color" [] {
    [ "auto" "always" "never" ]
  }

  # Print shell completions for layer-auth on stdout
  export extern "layer-auth completions" [
    --color: string@"nu-complete layer-auth completions color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help
    --version(-V)             # Print version
    shell: string@"nu-complete layer-auth completions shell" # The shell to complete for
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "layer-auth help" [
  ]

  # Generate an RSA key pair for signing identity tokens
  export extern "layer-auth help keygen" [
  ]

  # Sign a Layer identity token
  export extern "layer-auth help sign" [
  ]

  # Run the Layer authentication sequence end to end and show each step
  export extern "layer-auth help flow" [
  ]

  # Validate identity tokens, naming every check with the service's eit_* reason
  export extern "layer-auth help validate" [
  ]

  # Run a Layer-compatible service over HTTP that apps, SDKs and tests can sign in to
  export extern "layer-auth help serve" [
  ]

  # Print shell completions for layer-auth on stdout
  export extern "layer-auth help completions" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "layer-auth help help" [
  ]

}

export use completions *
