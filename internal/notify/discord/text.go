package discord

import (
	"strings"

	"github.com/tocsin/tocsin/internal/notify/channel"
)

// maxNameInText bounds a site or webhook name inside a longer text, so the text's own
// words (" is down", " recovered after 5m") survive any cut.
const maxNameInText = 100

// oneLine joins a text's lines and runs of spaces: names and errors are shown on one line.
func oneLine(s string) string { return channel.OneLine(s) }

// escapeMarkdown keeps user-given text from being read as Discord markdown: a site named
// "**x**" or "[x](y)" is shown as typed.
func escapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\*_~`|<>[]#-", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
