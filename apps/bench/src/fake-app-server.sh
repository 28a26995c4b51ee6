#!/usr/bin/env bash
# A lightweight stand-in for `codex app-server` (a few MB of bash per session), so benchmarks can run
# hundreds of sessions: it answers the handshake, appends "<epoch seconds.micros> <cwd>" to the
# record file whenever a turn/start arrives, then either completes the turn at once (interval 0) or
# streams a notification every <interval> seconds until Baton interrupts the turn or closes stdin.
# Each interrupt and the end of stdin append "<epoch seconds.micros> <cwd>" to <record-file>.stops.
# usage: fake-app-server.sh <record-file> <interval-seconds>
set -u
record=$1
stops="$record.stops"
interval=$2
thread="thr_$$"
turn=0
streaming=0
sent=0
input=0
output=0

respond() { printf '{"id":%s,"result":%s}\n' "$1" "$2"; }

tokens() {
  input=$((input + 1800))
  output=$((output + 120))
  printf '{"method":"thread/tokenUsage/updated","params":{"threadId":"%s","turnId":"turn_%s","tokenUsage":{"total":{"totalTokens":%d,"inputTokens":%d,"cachedInputTokens":0,"outputTokens":%d,"reasoningOutputTokens":0},"last":{"totalTokens":1920,"inputTokens":1800,"cachedInputTokens":0,"outputTokens":120,"reasoningOutputTokens":0},"modelContextWindow":258400}}}\n' \
    "$thread" "$turn" $((input + output)) "$input" "$output"
}

complete() {
  printf '{"method":"turn/completed","params":{"threadId":"%s","turn":{"id":"turn_%s","status":"%s","items":[],"error":null}}}\n' \
    "$thread" "$turn" "$1"
}

emit() {
  sent=$((sent + 1))
  if ((sent % 10 == 0)); then
    tokens
  else
    printf '{"method":"item/agentMessage/delta","params":{"threadId":"%s","turnId":"turn_%s","itemId":"msg_%s","delta":"Tracing the call into the parser before changing anything. "}}\n' \
      "$thread" "$turn" "$turn"
  fi
}

closed() {
  printf '%s %s\n' "$EPOCHREALTIME" "$PWD" >>"$stops"
  exit 0
}

handle() {
  local line=$1 id
  # Notifications (no id) need no answer; JSON.stringify puts the request id first.
  [[ $line =~ ^\{\"id\":([0-9]+) ]] || return 0
  id=${BASH_REMATCH[1]}
  case $line in
    *'"method":"turn/start"'*)
      printf '%s %s\n' "$EPOCHREALTIME" "$PWD" >>"$record"
      turn=$((turn + 1))
      local started="{\"id\":\"turn_$turn\",\"status\":\"inProgress\",\"items\":[],\"error\":null}"
      respond "$id" "{\"turn\":$started}"
      printf '{"method":"turn/started","params":{"threadId":"%s","turn":%s}}\n' "$thread" "$started"
      if [[ $interval == 0 ]]; then
        tokens
        complete completed
      else
        streaming=1
      fi
      ;;
    *'"method":"turn/interrupt"'*)
      printf '%s %s\n' "$EPOCHREALTIME" "$PWD" >>"$stops"
      respond "$id" '{}'
      streaming=0
      complete interrupted
      ;;
    *'"method":"initialize"'*)
      respond "$id" '{"userAgent":"bench-fake/0","platformFamily":"unix","platformOs":"linux"}'
      ;;
    *'"method":"thread/start"'*)
      respond "$id" "{\"thread\":{\"id\":\"$thread\"}}"
      ;;
    *) respond "$id" '{}' ;;
  esac
}

while :; do
  if ((streaming)); then
    if read -r -t "$interval" line; then
      handle "$line"
    else
      # A status above 128 is the timeout (time for the next notification); anything else is EOF.
      (($? > 128)) || closed
      emit
    fi
  else
    read -r line || closed
    handle "$line"
  fi
done
