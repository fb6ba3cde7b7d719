package web

// formField is one input of a form of the account or alerts pages, with its error beside it.
type formField struct {
	Name         string
	Label        string
	Type         string // text, password, number, url, email, textarea, select, checkbox
	Value        string
	Checked      bool
	Options      []option
	Autocomplete string
	Autofocus    bool
	Help         string
	Error        string
}

type option struct {
	Value, Label string
	Selected     bool
}

// ID is the field's element id; forms on one page prefix their fields' names, so ids differ.
func (f formField) ID() string { return "f-" + f.Name }

// setFieldError puts message beside the field named name, and says whether there is one.
func setFieldError(fields []formField, name, message string) bool {
	for i := range fields {
		if fields[i].Name == name {
			fields[i].Error = message
			return true
		}
	}
	return false
}
