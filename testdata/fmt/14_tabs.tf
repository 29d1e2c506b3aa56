locals {
	a = 1
		bbb = 2
	c	=	"	x"
	nested = {
		d = 4
	}
}
