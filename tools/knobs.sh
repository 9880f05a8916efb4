# Checks of the environment variables and options of the tools' scripts, sourced by them before
# they set anything up: a wrong value ends the script at once with one line saying what is wrong
# and what to give instead (exit status 2). Not meant to be run by itself.

knob_fail() {  # knob_fail "NAME='value': what is wrong; what to do"
  printf 'error: %s\n' "$1" >&2
  exit 2
}

# a whole number of seconds from MIN up (at most 7 digits); NAME names the knob in the message
knob_seconds() {  # knob_seconds NAME VALUE MIN MEANING
  local name="$1" value="$2" min="$3" meaning="$4"
  [[ "$value" =~ ^[0-9]{1,7}$ ]] && [ "$((10#$value))" -ge "$min" ] \
    || knob_fail "$name='$value' is not $meaning: give a whole number of seconds from $min (for example $name=$((min > 600 ? min : 600)))"
}

knob_count() {  # knob_count NAME VALUE MIN: a whole number from MIN up
  [[ "$2" =~ ^[0-9]{1,7}$ ]] && [ "$((10#$2))" -ge "$3" ] \
    || knob_fail "$1='$2' is not a whole number from $3 up"
}

# a TCP port that a server of ours can listen on: 1024-65535 and nothing listening there yet
knob_port() {  # knob_port NAME VALUE
  local name="$1" value="$2"
  [[ "$value" =~ ^[0-9]{1,5}$ ]] && [ "$((10#$value))" -ge 1 ] && [ "$((10#$value))" -le 65535 ] \
    || knob_fail "$name='$value' is not a port number: give one from 1024 to 65535"
  [ "$((10#$value))" -ge 1024 ] || [ "$(id -u)" -eq 0 ] \
    || knob_fail "$name=$value: ports below 1024 need root; give one from 1024 to 65535"
  if (exec 3<>"/dev/tcp/127.0.0.1/$((10#$value))") 2>/dev/null; then
    knob_fail "$name=$value: something already listens on 127.0.0.1:$value; give a free port"
  fi
}

knob_folder() {  # knob_folder NAME VALUE: an existing folder
  [ -d "$2" ] || knob_fail "$1='$2' is not a folder${3:+; $3}"
}

knob_choice() {  # knob_choice NAME VALUE CHOICE...: one of the choices
  local name="$1" value="$2" c
  shift 2
  for c in "$@"; do [ "$value" = "$c" ] && return 0; done
  knob_fail "$name='$value' is not one of: $*"
}

# a path that Java's class path (':'-separated; the kernel's RJK_CLASSPATH: ';') can hold
knob_classpath_safe() {  # knob_classpath_safe WHAT PATH
  case "$2" in
    *:*|*\;*|*$'\n'*) knob_fail "$1 ($2) holds ':', ';' or a line break, which a Java class path cannot; move or clone the project to a path without them" ;;
  esac
}

# JVM options: words that each start with '-', none that sets the class path or main class, and
# options this Java starts with (java OPTIONS -version)
knob_jvm_opts() {  # knob_jvm_opts NAME VALUE JAVA
  local name="$1" value="$2" java="$3" w out
  for w in $value; do
    case "$w" in
      -cp|-classpath|--class-path|-jar|--module-path|-p|-m|--module) knob_fail "$name: '$w' is set by the kernelspec itself; give only memory and system-property options such as -Xmx4g" ;;
      -*) ;;
      *) knob_fail "$name: '$w' is not a JVM option (each option starts with '-'; separate them with spaces, e.g. $name=\"-Xmx4g -Djava.awt.headless=true\")" ;;
    esac
  done
  # shellcheck disable=SC2086  # the options are words, as the kernelspec's argv will hold them
  out="$("$java" $value -version 2>&1)" \
    || knob_fail "$name='$value': $java does not start with these options: $(printf '%s' "$out" | grep -v '^\s*$' | head -n 1)"
}
