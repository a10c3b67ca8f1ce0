#!/usr/bin/env bash
# Start a PulseAudio daemon with a virtual microphone and speaker (two null sinks), so the
# voice path can be exercised end to end through PortAudio on a machine with no sound card.
# Usage: eval "$(scripts/virtual-audio.sh start)"   -> exports PULSE_SERVER for this shell
#        scripts/virtual-audio.sh stop
# Recipe and pitfalls: see docs/testing-audio.md.
set -euo pipefail
RUNTIME=${REHEARSAL_AUDIO_RUNTIME:-/tmp/rehearsal-audio}
SERVER="unix:$RUNTIME/pulse/native"

start() {
    command -v pulseaudio >/dev/null || { echo "pulseaudio is not installed: apt-get install pulseaudio pulseaudio-utils" >&2; exit 1; }
    mkdir -p -m 700 "$RUNTIME"
    if XDG_RUNTIME_DIR=$RUNTIME PULSE_SERVER=$SERVER pactl info >/dev/null 2>&1; then
        echo "export PULSE_SERVER=$SERVER"; return
    fi
    cat > "$RUNTIME/virtual.pa" <<'PA'
load-module module-native-protocol-unix
load-module module-null-sink sink_name=vspeaker norewinds=1 rate=16000 channels=1
load-module module-null-sink sink_name=vmic_in norewinds=1 rate=16000 channels=1
load-module module-remap-source master=vmic_in.monitor source_name=vmic rate=16000 channels=1
set-default-sink vspeaker
set-default-source vmic
PA
    XDG_RUNTIME_DIR=$RUNTIME pulseaudio -n -F "$RUNTIME/virtual.pa" --exit-idle-time=-1 --daemonize=yes >/dev/null 2>&1
    for _ in $(seq 50); do
        XDG_RUNTIME_DIR=$RUNTIME PULSE_SERVER=$SERVER pactl info >/dev/null 2>&1 && { echo "export PULSE_SERVER=$SERVER"; return; }
        sleep 0.1
    done
    echo "the virtual audio daemon did not start" >&2; exit 1
}

stop() {
    XDG_RUNTIME_DIR=$RUNTIME pulseaudio --kill 2>/dev/null || true
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
