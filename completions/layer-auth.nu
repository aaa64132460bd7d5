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

  def "nu-complete layer-auth keygen bits" [] {
    [ "2048" "3072" "4096" ]
  }

  def "nu-complete layer-auth keygen format" [] {
    [ "pem" "jwk" "jwks" ]
  }

  def "nu-complete layer-auth keygen color" [] {
    [ "auto" "always" "never" ]
  }

  # Generate an RSA key pair for signing identity tokens
  export extern "layer-auth keygen" [
    --bits: string@"nu-complete layer-auth keygen bits" # Key size in bits
    --out: path               # Where to write the private key
    --force                   # Replace --out (and --public-out) if it exists (the old key is gone for good)
    --format: string@"nu-complete layer-auth keygen format" # How to give the public key
    --key-id: string          # The Layer Key ID the public key is registered under (layer:///keys/<uuid>), as the JWK's kid, so a JWKS made from it matches tokens by kid. Default: the thumbprint
    --public-out: path        # Write the public key to this file instead of stdout
    --print-env               # Print shell lines that export LAYER_PRIVATE_KEY_PATH (and LAYER_KEY_ID with --key-id) on stdout, for `eval`; the public key then goes only to --public-out
    --github                  # With --print-env: append the variables to the file $GITHUB_ENV names, and print ::add-mask:: lines for the key on stdout, for the runner to hide it in later logs (only in a GitHub Actions step, and never to a terminal or a file)
    --encrypt                 # Encrypt the private key (PKCS#8, PBKDF2-HMAC-SHA256 and AES-256-CBC) under the passphrase in LAYER_PRIVATE_KEY_PASSPHRASE or --passphrase-file
    --passphrase-file: path   # File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase
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
    --claim: string           # Extra claim NAME=JSON (repeatable); text that is not JSON is taken as a string, and JSON with a member twice, or with a number that would not be signed as the same number (past 64-bit integers or a double's range, or more digits than a double keeps), is refused. Numbers are signed in serde_json's form: 1e3 as 1000.0, -0 as -0.0, 1.5e300 as 1.5e+300. Naming a standard claim (iat, exp, …) replaces it: handy for crafting test tokens
    --key: path               # Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)
    --passphrase-file: path   # File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase
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
    --header: string          # An extra request header for the backend, 'NAME: VALUE' (repeatable), e.g. the app's own login. Values are never shown: an answer that echoes one, or a word of one, of 8 bytes or more (in any case, as sent, JSON-escaped, percent-encoded, or a Basic credential decoded) is shown with it blanked, as are the URL's userinfo and query values
    --user-field: string      # The field the backend reads the user id from (the 2014 samples read userID)
    --nonce-field: string     # The field the backend reads the nonce from
    --layer-url: string       # A Layer-compatible service to run against instead of the embedded one, such as `layer-auth serve` (whose sample backend, keys and ids are then used by default)
    --app-id: string          # The app id to present to --layer-url (default: what the service says it is)
    --public-key: path        # Public key(s) the backend's tokens must verify under (PEM, JWK or JWKS); default with --backend: the public half of --key
    --challenge               # Also run the expiry challenge: the session expires, the service answers 401 with a nonce, and the client re-authenticates over exactly that nonce
    --strict                  # Fail for any warning or check not made, not only for a failed step
    --json                    # Print one JSON report of the steps on stdout
    --quiet(-q)               # Print only the verdict line (and errors), not each step
    --timeout: string         # Give up on the backend after this long: 10s, 1m, 500ms, …
    --ttl: string             # Lifetime of the tokens the embedded signer makes
    --leeway: string          # Clock skew forgiven when checking tokens
    --key: path               # Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)
    --passphrase-file: path   # File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase
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
    --passphrase-file: path   # File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase
    --provider-id: string     # Provider ID (layer:///providers/<uuid>), from the Layer dashboard
    --key-id: string          # Key ID the public key is registered under (layer:///keys/<uuid>)
    --user: string            # The user the token must be for (its prn)
    --nonce: string           # The nonce the token must carry (its nce)
    --leeway: string          # Clock skew forgiven on iat and exp: 30s, 2m, … (default: none)
    --now: string             # Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)
    --utc                     # Show dates in UTC only; by default, when TZ is set, they are also shown in that zone
    --json                    # Print one JSON report per token on stdout (docs/report.md) instead of text
    --quiet(-q)               # Print only the verdict line of each token (and errors), not its header, claims and checks
    --jsonl                   # Read stdin as JSON lines {"token": …, "nonce": …, "user": …}: each token judged against its own nonce and user; one a line leaves out is --nonce's or --user's, and the Provider and Key IDs are those given for the run
    --strict                  # Fail a token for any warning or check not made, not only for a failed check
    --skip-signature          # Count a token valid without verifying its signature (contents only)
    --format: string@"nu-complete layer-auth validate format" # Also print CI annotations on stderr: github (one ::error/::warning line per failed or warned check, one ::notice naming the checks not made)
    --junit: path             # Also write a JUnit XML report to FILE (one testcase per token, a failure per failed check, warnings and checks not made in its system-out)
    --color: string@"nu-complete layer-auth validate color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
    token?: string            # The token, or - to read one token per line from stdin
  ]

  def "nu-complete layer-auth inspect color" [] {
    [ "auto" "always" "never" ]
  }

  # Decode a token without verifying anything (any compact JWS/JWT, not only Layer's)
  export extern "layer-auth inspect" [
    --json                    # Print the decoded parts as JSON on stdout instead of text on stderr
    --utc                     # Show dates in UTC only; by default, when TZ is set, they are also shown in that zone
    --now: string             # Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)
    --color: string@"nu-complete layer-auth inspect color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
    token?: string            # The token, or - to read it from stdin (also the default when stdin is piped)
  ]

  def "nu-complete layer-auth keys color" [] {
    [ "auto" "always" "never" ]
  }

  # Work with key files: public half, format conversion, pair check, thumbprint
  export extern "layer-auth keys" [
    --color: string@"nu-complete layer-auth keys color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
  ]

  def "nu-complete layer-auth keys public format" [] {
    [ "pem" "pkcs1" "jwk" "jwks" ]
  }

  def "nu-complete layer-auth keys public color" [] {
    [ "auto" "always" "never" ]
  }

  # Print the public half of a key (or a public key in another form) on stdout
  export extern "layer-auth keys public" [
    --format: string@"nu-complete layer-auth keys public format" # The form to print
    --key-id: string          # The kid of a jwk or jwks (the Layer Key ID, layer:///keys/<uuid>). Default: the key's own kid (from a JWK), else its RFC 7638 thumbprint
    --passphrase-file: path   # File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase
    --color: string@"nu-complete layer-auth keys public color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
    key: path                 # The key file (private or public), or - for stdin
  ]

  def "nu-complete layer-auth keys convert to" [] {
    [ "pkcs1" "pkcs8" "der" "jwk" ]
  }

  def "nu-complete layer-auth keys convert color" [] {
    [ "auto" "always" "never" ]
  }

  # Convert a key to another format
  export extern "layer-auth keys convert" [
    --to: string@"nu-complete layer-auth keys convert to" # The format to write
    --out: path               # Where to write (a private key must name a file, or - for a pipe)
    --force                   # Replace --out if it exists
    --encrypt                 # Encrypt the private key (pkcs8 or der) under the passphrase in LAYER_PRIVATE_KEY_PASSPHRASE or --passphrase-file (the one that opens KEY, if it is encrypted)
    --key-id: string          # The kid of a jwk (the Layer Key ID). Default: the key's own kid, else its thumbprint
    --passphrase-file: path   # File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase
    --color: string@"nu-complete layer-auth keys convert color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
    key: path                 # The key file, or - for stdin
  ]

  def "nu-complete layer-auth keys check color" [] {
    [ "auto" "always" "never" ]
  }

  # Check that a private key and a public key (or a JWKS) form a pair
  export extern "layer-auth keys check" [
    --key-id: string          # The Key ID the pair is registered under: PUBLIC must carry the key with this kid
    --passphrase-file: path   # File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase
    --color: string@"nu-complete layer-auth keys check color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
    private: path             # The private key file, or - for stdin
    public: path              # The public key, private key or JWKS to check it against, or - for stdin
  ]

  def "nu-complete layer-auth keys thumbprint color" [] {
    [ "auto" "always" "never" ]
  }

  # Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)
  export extern "layer-auth keys thumbprint" [
    --passphrase-file: path   # File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase
    --color: string@"nu-complete layer-auth keys thumbprint color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
    key: path                 # The key file (private or public), or - for stdin
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "layer-auth keys help" [
  ]

  # Print the public half of a key (or a public key in another form) on stdout
  export extern "layer-auth keys help public" [
  ]

  # Convert a key to another format
  export extern "layer-auth keys help convert" [
  ]

  # Check that a private key and a public key (or a JWKS) form a pair
  export extern "layer-auth keys help check" [
  ]

  # Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)
  export extern "layer-auth keys help thumbprint" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "layer-auth keys help help" [
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
    --passphrase-file: path   # File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase
    --allow-weak-key          # Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)
    --provider-id: string     # Provider ID (layer:///providers/<uuid>), from the Layer dashboard
    --key-id: string          # Key ID the public key is registered under (layer:///keys/<uuid>)
    --app-id: string          # The app id clients must present (default: made up, printed)
    --session-ttl: string     # How long a session lasts before the 401 challenge
    --state: path             # Load nonces, sessions and attempts from FILE at start; write them back at exit (its directory must be writable: checked before serving)
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

  def "nu-complete layer-auth doctor snippet" [] {
    [ "openssl" "pyjwt" "jsonwebtoken" "jsrsasign" ]
  }

  def "nu-complete layer-auth doctor color" [] {
    [ "auto" "always" "never" ]
  }

  # Check this build against RFC 7515's RS256 example, then print snippets that verify a token it signs with other stacks' libraries
  export extern "layer-auth doctor" [
    --key: path               # Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)
    --passphrase-file: path   # File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase
    --allow-weak-key          # Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)
    --provider-id: string     # Provider ID (layer:///providers/<uuid>), from the Layer dashboard
    --key-id: string          # Key ID the public key is registered under (layer:///keys/<uuid>)
    --now: string             # Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)
    --snippet: string@"nu-complete layer-auth doctor snippet" # Print only this snippet (default: all of them)
    --color: string@"nu-complete layer-auth doctor color" # When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it
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

  # Decode a token without verifying anything (any compact JWS/JWT, not only Layer's)
  export extern "layer-auth help inspect" [
  ]

  # Work with key files: public half, format conversion, pair check, thumbprint
  export extern "layer-auth help keys" [
  ]

  # Print the public half of a key (or a public key in another form) on stdout
  export extern "layer-auth help keys public" [
  ]

  # Convert a key to another format
  export extern "layer-auth help keys convert" [
  ]

  # Check that a private key and a public key (or a JWKS) form a pair
  export extern "layer-auth help keys check" [
  ]

  # Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)
  export extern "layer-auth help keys thumbprint" [
  ]

  # Run a Layer-compatible service over HTTP that apps, SDKs and tests can sign in to
  export extern "layer-auth help serve" [
  ]

  # Check this build against RFC 7515's RS256 example, then print snippets that verify a token it signs with other stacks' libraries
  export extern "layer-auth help doctor" [
  ]

  # Print shell completions for layer-auth on stdout
  export extern "layer-auth help completions" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "layer-auth help help" [
  ]

}

export use completions *
